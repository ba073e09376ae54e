package dev.llmc.gpunode.error;

/** A failure caused by the request, with a message meant for the caller and OpenAI's machine-readable {@code code}. */
public final class ApiException extends RuntimeException {

    /** What went wrong, independent of HTTP; {@link ApiExceptionHandler} maps it to a status. */
    public enum Kind {
        INVALID_REQUEST,
        NOT_FOUND
    }

    private final Kind kind;
    private final String code;

    private ApiException(Kind kind, String code, String message) {
        // No stack trace: these are the caller's mistakes, never logged as server faults.
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(Kind.INVALID_REQUEST, "invalid_request", message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(Kind.NOT_FOUND, code, message);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }
}
