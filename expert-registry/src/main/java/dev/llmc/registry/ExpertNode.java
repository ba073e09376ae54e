package dev.llmc.registry;

/**
 * One serving endpoint of an expert: the base URL of an OpenAI-compatible server (e.g. {@code http://host:8000/v1}),
 * the model name to send it, its load-balancing weight (1–100), and its upstream API key as the caller sealed it
 * (the registry never sees a plaintext key; null when the node needs none).
 */
public record ExpertNode(String baseUrl, String model, int weight, String encryptedApiKey) {

    /** A node of weight 1 without an upstream key. */
    public ExpertNode(String baseUrl, String model) {
        this(baseUrl, model, 1, null);
    }

    /** Leaves the sealed key out of logs and error messages. */
    @Override
    public String toString() {
        return "ExpertNode[baseUrl=" + baseUrl + ", model=" + model + ", weight=" + weight
                + ", apiKey=" + (encryptedApiKey == null ? "none" : "sealed") + "]";
    }
}
