package dev.llmc.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}, with {@code type} fixed by the HTTP status
 * ({@link ErrorType#forStatus}); {@code param} names the offending field (e.g. {@code messages[0].content}) and is
 * null, as OpenAI sends it, when there is none.
 */
public record OpenAiError(Detail error) {

    /**
     * The inner object of an error body; OpenAI's four fields are written, null or not, because OpenAI clients read all
     * four. {@code request_id}, when the application gives one, lets a caller quote the request in a support question
     * (the detail is in the log under that id); it is left out when null.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code,
                         @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("request_id") String requestId) {
    }

    /** This body naming the request it answers. */
    public OpenAiError withRequestId(String requestId) {
        return new OpenAiError(new Detail(error.message(), error.type(), error.param(), error.code(), requestId));
    }

    /** An error body for this HTTP status without an offending field. */
    public static OpenAiError of(int status, String code, String message) {
        return of(status, code, message, null);
    }

    /** An error body for this HTTP status naming the offending field in {@code param} (null when none). */
    public static OpenAiError of(int status, String code, String message, String param) {
        return new OpenAiError(new Detail(message, ErrorType.forStatus(status), param, code, null));
    }
}
