package dev.llmc.gpunode.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenAI's error body: {@code {"error":{"message","type","code"}}}. */
public record OpenAiError(Detail error) {

    /** The error itself; {@code type} is fixed per HTTP status, {@code code} names the specific problem. */
    // Clients read all three fields; none may disappear under Micronaut's NON_EMPTY default.
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String code) {
    }
}
