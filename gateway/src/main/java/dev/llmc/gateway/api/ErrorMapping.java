package dev.llmc.gateway.api;

import dev.llmc.abtest.experiment.ExperimentException;
import dev.llmc.abtest.experiment.ExperimentNotFoundException;
import dev.llmc.abtest.experiment.ExperimentStateException;
import dev.llmc.abtest.experiment.InvalidExperimentException;
import dev.llmc.abtest.signal.InvalidSignalException;
import dev.llmc.gateway.GatewayException;
import dev.llmc.gateway.auth.AuthenticationException;
import dev.llmc.gateway.auth.InsufficientRoleException;
import dev.llmc.gateway.auth.InvalidKeyRequestException;
import dev.llmc.gateway.auth.KeyNotFoundException;
import dev.llmc.gateway.auth.KeyStoreUnavailableException;
import dev.llmc.gateway.chat.NothingToRegenerateException;
import dev.llmc.gateway.versions.ControllerEncoderMismatchException;
import dev.llmc.gateway.versions.ControllerStoreUnavailableException;
import dev.llmc.gateway.versions.ControllerVersionNotFoundException;
import dev.llmc.gateway.encoder.EncoderUnavailableException;
import dev.llmc.gateway.events.EventLogUnavailableException;
import dev.llmc.gateway.events.MessageLedger;
import dev.llmc.gateway.experiments.NotOwnerException;
import dev.llmc.gateway.experts.QuotaExceededException;
import dev.llmc.gateway.experts.StatsUnavailableException;
import dev.llmc.gateway.feedback.InvalidFeedbackException;
import dev.llmc.gateway.feedback.MessageNotFoundException;
import dev.llmc.gateway.feedback.SignalConflictException;
import dev.llmc.gateway.proxy.SecretsKeyMissingException;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.gateway.ratelimit.RateLimitedException;
import dev.llmc.gateway.routing.ModelNotFoundException;
import dev.llmc.gateway.routing.NoExpertAvailableException;
import dev.llmc.model.encoder.EncoderOverloadedException;
import dev.llmc.openai.OpenAiError;
import dev.llmc.registry.DuplicateExpertException;
import dev.llmc.registry.ExpertNotFoundException;
import dev.llmc.registry.InvalidExpertException;
import dev.llmc.registry.InvalidStatusChangeException;
import dev.llmc.registry.RegistryException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import dev.llmc.gateway.requestid.RequestIdFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The gateway's one table from what went wrong to HTTP: every feature's exceptions (and the libraries' trees) get
 * their status, {@code code} and {@code param} here and nowhere else; the body is {@code openai-wire}'s
 * {@link OpenAiError}. Filters answer through {@link #response} for the same reason. Errors Micronaut raises itself
 * (malformed JSON, unknown route, body too large) are written by {@link OpenAiErrorResponseProcessor}.
 */
@Singleton
public final class ErrorMapping implements ExceptionHandler<Exception, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    static final String INTERNAL_MESSAGE = "internal error; the gateway log has the details under this request's X-Request-Id";

    /** How one exception is answered. */
    record Mapped(HttpStatus status, String code, String message, @Nullable String param) {
        Mapped(HttpStatus status, String code, Exception exception) {
            this(status, code, exception.getMessage(), exception instanceof GatewayException g ? g.field() : null);
        }
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        return response(request, exception);
    }

    /** The response for {@code exception}, for the exception handler and for filters that refuse a request. */
    public MutableHttpResponse<?> response(HttpRequest<?> request, Exception exception) {
        Mapped mapped = map(exception);
        if (mapped.status() == HttpStatus.INTERNAL_SERVER_ERROR) {
            LOG.error("unhandled error on {} {}", request.getMethod(), request.getPath(), exception);
        }
        MutableHttpResponse<?> response = HttpResponse.status(mapped.status())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(OpenAiError.of(mapped.status().getCode(), mapped.code(),
                        OpenAiErrorResponseProcessor.withoutParserNoise(mapped.message()), mapped.param())
                        .withRequestId(request.getAttribute(RequestIdFilter.ATTRIBUTE, String.class).orElse(null)));
        switch (exception) {
            case AuthenticationException ignored -> response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            case RateLimitedException limited -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfter().toSeconds()));
            case EncoderOverloadedException overloaded ->
                    response.header(HttpHeaders.RETRY_AFTER, Long.toString(overloaded.retryAfter().toSeconds()));
            default -> {
            }
        }
        return response;
    }

    static Mapped map(Exception exception) {
        return switch (exception) {
            // 400: the caller's request breaks a rule
            case InvalidRequestException invalid -> new Mapped(HttpStatus.BAD_REQUEST, invalid.code(), invalid);
            case InvalidKeyRequestException invalid -> new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid);
            case InvalidFeedbackException invalid -> new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid);
            case InvalidSignalException invalid -> new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid);
            case NothingToRegenerateException invalid -> new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid);
            case InvalidExpertException invalid ->
                    new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid.getMessage(), invalid.field());
            case InvalidExperimentException invalid ->
                    new Mapped(HttpStatus.BAD_REQUEST, "invalid_request", invalid.getMessage(), invalid.field());
            // 401, 403, 429: who is calling, and how often
            case AuthenticationException unknown -> new Mapped(HttpStatus.UNAUTHORIZED, "invalid_api_key", unknown);
            case InsufficientRoleException role -> new Mapped(HttpStatus.FORBIDDEN, "insufficient_role", role);
            case NotOwnerException owner -> new Mapped(HttpStatus.FORBIDDEN, "not_owner", owner);
            case RateLimitedException limited -> new Mapped(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_exceeded", limited);
            // 404
            case KeyNotFoundException missing -> new Mapped(HttpStatus.NOT_FOUND, "key_not_found", missing);
            case ModelNotFoundException missing -> new Mapped(HttpStatus.NOT_FOUND, "model_not_found", missing);
            case MessageNotFoundException missing -> new Mapped(HttpStatus.NOT_FOUND, "message_not_found", missing);
            case ControllerVersionNotFoundException missing ->
                    new Mapped(HttpStatus.NOT_FOUND, "controller_version_not_found", missing);
            case ExpertNotFoundException missing -> new Mapped(HttpStatus.NOT_FOUND, "expert_not_found", missing);
            case ExperimentNotFoundException missing -> new Mapped(HttpStatus.NOT_FOUND, "experiment_not_found", missing);
            // 409: the request is fine but the state of things does not allow it
            case DuplicateExpertException duplicate -> new Mapped(HttpStatus.CONFLICT, "expert_exists", duplicate);
            case InvalidStatusChangeException conflict -> new Mapped(HttpStatus.CONFLICT, "invalid_status_change", conflict);
            case ExperimentStateException state -> new Mapped(HttpStatus.CONFLICT, "experiment_state", state);
            case QuotaExceededException quota -> new Mapped(HttpStatus.CONFLICT, "quota_exceeded", quota);
            case SignalConflictException conflict -> new Mapped(HttpStatus.CONFLICT, "signal_conflict", conflict);
            case ControllerEncoderMismatchException mismatch ->
                    new Mapped(HttpStatus.CONFLICT, "controller_encoder_mismatch", mismatch);
            // The expert's node: its refusal of the request is the caller's status, any other failure a 502
            case UpstreamException upstream when upstream.kind() == UpstreamException.Kind.REJECTED ->
                    new Mapped(rejectedStatus(upstream.status()), "expert_rejected_request", upstream);
            case UpstreamException upstream -> new Mapped(HttpStatus.BAD_GATEWAY, "upstream_unavailable", upstream);
            // 503: a dependency is down or full; the same request may succeed later
            case NoExpertAvailableException none ->
                    new Mapped(HttpStatus.SERVICE_UNAVAILABLE, none.reason().name().toLowerCase(Locale.ROOT), none);
            case EncoderOverloadedException full -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "encoder_overloaded", full);
            case EncoderUnavailableException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "encoder_unavailable", down);
            case EventLogUnavailableException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "event_log_unavailable", down);
            case MessageLedger.LedgerUnavailableException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE,
                    "event_log_unavailable", "the event log is unavailable right now; retry shortly", null);
            case KeyStoreUnavailableException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable", down);
            case StatsUnavailableException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable", down);
            case ControllerStoreUnavailableException down ->
                    new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "controller_store_unavailable", down);
            case SecretsKeyMissingException missing ->
                    new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "secrets_key_not_configured", missing);
            case RegistryException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "registry_unavailable",
                    "the expert registry is unavailable right now; retry shortly", null);
            case ExperimentException down -> new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "experiments_unavailable",
                    "experiments cannot be read or changed right now; retry shortly", null);
            // A feature's exception this table does not know yet: its own word on retrying decides
            case GatewayException other when other.retryable() ->
                    new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable", other);
            default -> new Mapped(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", INTERNAL_MESSAGE, null);
        };
    }

    /** The node's 4xx as the caller's status; one this gateway has no name for becomes 400. */
    private static HttpStatus rejectedStatus(int status) {
        try {
            HttpStatus known = HttpStatus.valueOf(status);
            return known.getCode() >= 400 && known.getCode() < 500 ? known : HttpStatus.BAD_REQUEST;
        } catch (IllegalArgumentException e) {
            return HttpStatus.BAD_REQUEST;
        }
    }
}
