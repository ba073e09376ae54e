package dev.llmc.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}, with {@code type} fixed by the HTTP status
 * ({@link ErrorType#forStatus}); {@code param} names the offending field (e.g. {@code messages[0].content}) and is
 * null, as OpenAI sends it, when there is none.
 */
public record OpenAiError(Detail error) {

    /** The inner object of an error body; every field is written, null or not, because OpenAI clients read all four. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }

    /** An error body for this HTTP status without an offending field. */
    public static OpenAiError of(int status, String code, String message) {
        return of(status, code, message, null);
    }

    /** An error body for this HTTP status naming the offending field in {@code param} (null when none). */
    public static OpenAiError of(int status, String code, String message, String param) {
        return new OpenAiError(new Detail(message, ErrorType.forStatus(status), param, code));
    }
}
