import Foundation

// Shapes: V vocabulary.
// Conveniences of the model tests alone; the tiny configurations, perturbed models, token batches,
// one-call passes and array comparisons they share with other targets live in TestSupport.

/// log softmax of one row of logits, in Double: the reference the model's outputs are held to.
func referenceLogSoftmax(_ row: ArraySlice<Float>) -> [Double] {
    let maximum = Double(row.max()!)
    let logSum = Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1) - maximum) }) + maximum
    return row.map { Double($0) - logSum }
}
