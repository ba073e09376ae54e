package dev.llmc.registry;

/** One serving endpoint of an expert: the base URL of an OpenAI-compatible server (e.g. {@code http://host:8000/v1}) and the model name to send it. */
public record ExpertNode(String baseUrl, String model) {
}
