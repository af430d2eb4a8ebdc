import Model

extension LoRA {
    /// A plain fp32 model computing what `model` with this adapter attached computes:
    /// W ← W + scale · B·A for every adapted projection. An NF4 base is dequantized first. A tied
    /// head that is adapted gets its own weight (embedding + update): the merged model is untied.
    /// `model` is left as it was.
    public func merged(into model: Llama) -> Llama {
        var source = model
        if let quantized = model.frozenProjections as? QuantizedProjections {
            source = quantized.dequantizedModel(from: model)
        }
        var config = source.config
        if config.tiedEmbeddings, self.config.targets.contains(.head) { config.tiedEmbeddings = false }
        let dense = Llama(config: config)
        for slot in dense.layout.slots {
            let from = source.layout.slot(named: slot.name) ?? source.layout.slot(named: "model.embed_tokens.weight")!
            (dense.parameters.pointer + slot.offset).update(from: source.parameters.pointer + from.offset, count: slot.count)
        }
        for slot in slots {
            guard let weight = dense.weights.projection(slot.site, layer: slot.layer) else {
                preconditionFailure("\(slot.site.modulePath(layer: slot.layer)) has no fp32 weight to merge into")
            }
            merge(slot.site, layer: slot.layer, into: weight)
        }
        return dense
    }
}
