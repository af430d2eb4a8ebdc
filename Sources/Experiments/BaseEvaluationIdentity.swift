import Foundation
import JSON

extension RunConfiguration {
    /// What the base model's scores in this run's tables depend on, besides the base model, the data and
    /// the code (the fingerprint): the benchmarks, their item limit, and the held-out data's settings.
    /// The knobs that only change training (rank, lr, seed, quantization, …) are left out, so every run
    /// of an experiment usually shares one base evaluation.
    var evaluationFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "benchmarks": .array(benchmarks.map { .string($0.rawValue) }), "dataset": .string(dataset),
        ]
        if let evalLimit { fields["eval_limit"] = .int(evalLimit) }
        if let template { fields["template"] = .string(template.rawValue) }
        if let heldout { fields["heldout"] = .string(heldout) }
        if let heldoutFraction { fields["heldout_fraction"] = .double(heldoutFraction) }
        return fields
    }

    var evaluationObject: JSONValue { .object(evaluationFields) }

    /// The evaluation settings as canonical JSON: what `base_evaluations.settings_json` keeps.
    public var evaluationSettingsJSON: String { CanonicalJSON.render(evaluationObject) }

    /// The id of the base model's evaluation with this run's settings: the first 16 hex digits of the
    /// SHA-256 of the canonical JSON of `{"evaluation": <evaluationSettingsJSON>, "fingerprint": {…}}`.
    public func baseEvaluationID(fingerprint: Fingerprint) -> String {
        let document = CanonicalJSON.render(.object(["evaluation": evaluationObject, "fingerprint": fingerprint.jsonObject]))
        return String(sha256Hex(Data(document.utf8)).prefix(16))
    }
}
