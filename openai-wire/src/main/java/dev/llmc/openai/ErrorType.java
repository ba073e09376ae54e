package dev.llmc.openai;

/**
 * The one table of OpenAI error {@code type} per HTTP status that the gateway and the gpu-node share, so clients can
 * branch on {@code type} whichever of them answered.
 */
public final class ErrorType {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String CONFLICT = "conflict_error";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String UPSTREAM = "upstream_error";
    public static final String SERVICE_UNAVAILABLE = "service_unavailable";
    public static final String INTERNAL = "internal_error";

    private ErrorType() {
    }

    /** The {@code type} for an HTTP status: any other 4xx is the caller's invalid request, any other 5xx internal. */
    public static String forStatus(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 413 -> REQUEST_TOO_LARGE;
            case 429 -> RATE_LIMIT;
            case 502, 504 -> UPSTREAM;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
        };
    }
}
