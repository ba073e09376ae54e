package dev.llmc.gateway.explain;

import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.gateway.routing.LinearThompsonPosteriors;
import dev.llmc.gateway.routing.ServingControllers;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertScorer;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Admin only (no {@code RequiresRole}): why a conversation goes where it goes. Scores every active expert with a
 * healthy node for the conversation as the given (default: active) controller does, best first, without serving,
 * logging or touching stickiness, so asking does not change what chat does next. With {@code posterior_mean} the scores
 * are linear Thompson sampling's posterior means of the reward (the active controller's predicted reward plus what each
 * expert's posterior learned from feedback): the ranking that policy would serve without sampling.
 */
@io.micronaut.http.annotation.Controller("/admin/routing/explain")
@ExecuteOn(TaskExecutors.BLOCKING)
final class RoutingExplanationController {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    private static final int DEFAULT_TOP = 5;
    private final ExpertCatalog catalog;
    private final NodeHealth health;
    private final ConversationEncoder encoder;
    private final ServingControllers controllers;
    private final LinearThompsonPosteriors posteriors;
    private final JsonBodyReader json;

    RoutingExplanationController(ExpertCatalog catalog, NodeHealth health, ConversationEncoder encoder,
                                 ServingControllers controllers, LinearThompsonPosteriors posteriors, JsonBodyReader json) {
        this.catalog = catalog;
        this.health = health;
        this.encoder = encoder;
        this.controllers = controllers;
        this.posteriors = posteriors;
        this.json = json;
    }

    /**
     * Body: the conversation as chat sends it, optionally a controller version, how many experts to list, and whether to
     * rank by linear Thompson's posterior means.
     */
    record ExplainRequest(List<Message> messages, @Nullable String controllerVersion, @Nullable Integer top,
                          @Nullable Boolean posteriorMean) {
    }

    /** One message of the conversation. */
    record Message(String role, String content) {
    }

    /**
     * The ranking: controller version, the experts best first, and with posterior means how many observations the
     * posteriors have folded against that version (null otherwise).
     */
    record Explanation(String controllerVersion, boolean posteriorMean, @Nullable Long observations, List<Score> experts) {
    }

    /** One expert's score for this conversation. */
    record Score(String expertId, String name, double score) {
    }

    @Post
    Explanation explain(@RequestBody(content = @Content(schema = @Schema(implementation = ExplainRequest.class)))
                        @Body @Nullable String body) {
        ExplainRequest request = json.read(body, ExplainRequest.class);
        List<ChatTurn> turns = turns(request.messages());
        int top = request.top() == null ? DEFAULT_TOP : request.top();
        if (top < 1 || top > 100) {
            throw InvalidRequestException.invalid("invalid_request", "'top' must be from 1 to 100, was " + top, "top");
        }
        boolean posteriorMean = Boolean.TRUE.equals(request.posteriorMean());
        Controller controller = request.controllerVersion() == null ? controllers.active() : controllers.get(request.controllerVersion());
        if (posteriorMean) {
            requirePosteriors(controller);
        }
        List<Expert> candidates = catalog.active().stream().filter(health::hasHealthyNode).toList();
        Map<String, Expert> byId = candidates.stream().collect(Collectors.toMap(Expert::id, Function.identity()));
        List<ExpertProfile> profiles = candidates.stream().map(expert -> new ExpertProfile(expert.id(), expert.theta())).toList();
        float[] embedding = encoder.encode(turns);
        List<ScoredExpert> ranking = profiles.isEmpty() ? List.of()
                : posteriorMean ? byPosteriorMean(controller, embedding, profiles) : controller.rank(embedding, profiles, profiles.size());
        List<Score> scores = ranking.stream().limit(top)
                .map(s -> new Score(s.expertId(), byId.get(s.expertId()).name(), s.score())).toList();
        return new Explanation(controller.version(), posteriorMean,
                posteriorMean ? posteriors.observations(controller.version()) : null, scores);
    }

    /** The posteriors are residuals over the active version and exist only under linear Thompson sampling. */
    private void requirePosteriors(Controller controller) {
        if (!posteriors.enabled()) {
            throw InvalidRequestException.invalid("invalid_request",
                    "'posterior_mean' needs llmc.routing.exploration.policy=linear-thompson; this gateway keeps no posteriors", "posterior_mean");
        }
        if (!controller.version().equals(controllers.active().version())) {
            throw InvalidRequestException.invalid("invalid_request", "'posterior_mean' ranks over the active controller version ("
                    + controllers.active().version() + "), not " + controller.version(), "controller_version");
        }
    }

    /** Every expert's predicted reward by the controller plus its posterior's learned residual, best first. */
    private List<ScoredExpert> byPosteriorMean(Controller controller, float[] embedding, List<ExpertProfile> profiles) {
        return controller.layout(profiles).priorRewards(embedding).stream()
                .map(s -> new ScoredExpert(s.expertId(), s.score() + posteriors.learnedResidual(s.expertId(), controller.version(), embedding)))
                .sorted(ExpertScorer.RANKING).toList();
    }

    private static List<ChatTurn> turns(@Nullable List<Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw InvalidRequestException.invalid("invalid_request", "'messages' must be a non-empty array", "messages");
        }
        List<ChatTurn> turns = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            String where = "messages[" + i + "]";
            if (message == null || message.role() == null || !ROLES.contains(message.role())) {
                throw InvalidRequestException.invalid("invalid_request", "'" + where + ".role' must be one of " + ROLES, where + ".role");
            }
            if (message.content() == null) {
                throw InvalidRequestException.invalid("invalid_request", "'" + where + ".content' must be a string", where + ".content");
            }
            turns.add(new ChatTurn(message.role(), message.content()));
        }
        return turns;
    }
}
