import Foundation

// Shapes: HD head dimension; inverse frequencies are (HD/2), one per rotated pair.

/// RoPE's inverse frequencies, θ^(−2i/HD) for pair i, as transformers'
/// `_compute_default_rope_parameters` computes them in float32:
///
///     inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
///
/// The exponent is a Float; the power is taken in Double and rounded once.
public func ropeInverseFrequencies(headDim: Int, theta: Double) -> [Float] {
    (0..<headDim / 2).map { i in
        let exponent = Float(2 * i) / Float(headDim)
        return 1 / Float(Foundation.pow(theta, Double(exponent)))
    }
}

/// How a checkpoint stretches RoPE to a longer context than it was pretrained on: a change of the
/// inverse frequencies alone (neither type rescales cos and sin), as transformers' `modeling_rope_utils`
/// computes it for `rope_type` "linear" and "llama3".
public enum RopeScaling: Equatable, Sendable {
    /// Position interpolation (kaiokendev; Chen et al. 2023): every frequency divided by `factor`.
    case linear(factor: Double)
    /// Llama 3.1's: wavelengths longer than originalMaxPositions / lowFreqFactor are divided by
    /// `factor`, those shorter than originalMaxPositions / highFreqFactor are kept, and those between
    /// are interpolated smoothly.
    case llama3(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositions: Int)

    /// The scaled inverse frequencies, each computed in Float with the operations of
    /// `_compute_linear_scaling_rope_parameters` / `_compute_llama3_parameters`, in their order
    /// (Python scalars enter float32 arithmetic rounded to Float; `x / tensor` is `x · (1 / tensor)`).
    public func scale(_ inverseFrequencies: [Float]) -> [Float] {
        switch self {
        case .linear(let factor):
            // inv_freq /= factor
            return inverseFrequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let lowFreqFactor, let highFreqFactor, let originalMaxPositions):
            let lowFreqWavelength = Float(Double(originalMaxPositions) / lowFreqFactor)
            let highFreqWavelength = Float(Double(originalMaxPositions) / highFreqFactor)
            return inverseFrequencies.map { frequency in
                // wavelen = 2 * math.pi / inv_freq
                let wavelength = (1 / frequency) * Float(2 * Double.pi)
                // wavelen > low_freq_wavelen: divide by factor; wavelen < high_freq_wavelen: keep
                if wavelength > lowFreqWavelength { return frequency / Float(factor) }
                if wavelength < highFreqWavelength { return frequency }
                // smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
                let smooth = ((1 / wavelength) * Float(originalMaxPositions) - Float(lowFreqFactor))
                    / Float(highFreqFactor - lowFreqFactor)
                // (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
                return (1 - smooth) * frequency / Float(factor) + smooth * frequency
            }
        }
    }
}
