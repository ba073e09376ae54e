package dev.llmc.gateway.experiments;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.abtest.experiment.ExperimentDraft;
import dev.llmc.abtest.stats.ArmResult;
import dev.llmc.abtest.stats.ExperimentResults;
import dev.llmc.abtest.stats.SrmCheck;
import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Experiments over HTTP: create, list, read, start, stop, re-weigh, and read results (JSON or CSV). */
@RequiresRole(Caller.Role.DATA_SCIENTIST)
@Controller("/experiments")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ExperimentsController {
    private final ExperimentService experiments;
    private final JsonBodyReader json;

    ExperimentsController(ExperimentService experiments, JsonBodyReader json) {
        this.experiments = experiments;
        this.json = json;
    }

    /** Body of {@code POST /experiments}. */
    record CreateRequest(String name, String unit, @Nullable Double traffic, List<ArmRequest> arms) {
    }

    /** One arm in a creation request: exactly one of controller_version, policy, expert. */
    record ArmRequest(String name, Double weight, @Nullable Boolean control, @Nullable String controllerVersion,
            @Nullable PolicyRequest policy, @Nullable String expert) {
    }

    /** An arm's policy as sent. */
    record PolicyRequest(String type, @Nullable Double epsilon, @Nullable Double sigma) {
    }

    /** Body of {@code PATCH /experiments/{id}}: new weights by arm name and/or traffic. */
    record UpdateRequest(@Nullable Map<String, Double> weights, @Nullable Double traffic) {
    }

    /** An experiment as the API shows it (the assignment salt stays internal). */
    record ExperimentView(String id, String name, String unit, double traffic, String status, String owner,
                          Instant createdAt, @Nullable Instant startedAt, @Nullable Instant stoppedAt, List<ArmView> arms) {
        static ExperimentView of(Experiment x) {
            return new ExperimentView(x.id(), x.name(), x.unit().wireName(), x.traffic(), x.status().wireName(), x.owner(),
                    x.createdAt(), x.startedAt(), x.stoppedAt(), x.arms().stream().map(ArmView::of).toList());
        }
    }

    /** An arm as the API shows it; treatments it does not have are null. */
    record ArmView(String name, double weight, boolean control, @Nullable String controllerVersion,
                   @Nullable PolicyRequest policy, @Nullable String expert) {
        static ArmView of(Arm arm) {
            return new ArmView(arm.name(), arm.weight(), arm.control(), arm.controllerVersion(),
                    arm.policy() == null ? null : new PolicyRequest(arm.policy().type(), arm.policy().epsilon(), arm.policy().sigma()),
                    arm.expert());
        }
    }

    /** The list of experiments. */
    record ExperimentList(List<ExperimentView> data) {
    }

    /** Results: one row per arm, and the sample-ratio-mismatch check. */
    record ResultsView(String experimentId, String unit, List<ArmResultView> arms, SrmView srm) {
    }

    /** One arm's results; p-value names spelled out because snake_case would make "pvalue" of "PValue". */
    record ArmResultView(String name, boolean control, double weight, long units, long messages,
                         @Nullable Double ratingMean, @Nullable double[] ratingCi95, @Nullable Double retryRate,
                         @Nullable double[] retryRateCi95, @Nullable Double conversationLengthMean,
                         @Nullable double[] conversationLengthCi95, @Nullable Double ratingLift,
                         @JsonProperty("rating_p_value") @Nullable Double ratingPValue, @Nullable Double retryLift,
                         @JsonProperty("retry_p_value") @Nullable Double retryPValue, @Nullable Double conversationLengthLift,
                         @JsonProperty("conversation_length_p_value") @Nullable Double conversationLengthPValue) {
        static ArmResultView of(ArmResult a) {
            return new ArmResultView(a.name(), a.control(), a.weight(), a.units(), a.messages(), a.ratingMean(), a.ratingCi95(),
                    a.retryRate(), a.retryRateCi95(), a.conversationLengthMean(), a.conversationLengthCi95(), a.ratingLift(),
                    a.ratingPValue(), a.retryLift(), a.retryPValue(), a.conversationLengthLift(), a.conversationLengthPValue());
        }
    }

    /** The sample-ratio-mismatch check. */
    record SrmView(double chi2, @JsonProperty("p_value") double pValue, boolean flagged) {
        static SrmView of(SrmCheck srm) {
            return new SrmView(srm.chi2(), srm.pValue(), srm.flagged());
        }
    }

    @Post
    HttpResponse<ExperimentView> create(
            @RequestBody(content = @Content(schema = @Schema(implementation = CreateRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        CreateRequest request = json.read(body, CreateRequest.class);
        List<ExperimentDraft.ArmDraft> arms = request.arms() == null ? null : request.arms().stream()
                .map(arm -> arm == null ? null : new ExperimentDraft.ArmDraft(arm.name(), arm.weight(), arm.control(),
                        arm.controllerVersion(), arm.policy() == null ? null : arm.policy().type(),
                        arm.policy() == null ? null : arm.policy().epsilon(), arm.policy() == null ? null : arm.policy().sigma(),
                        arm.policy() != null, arm.expert()))
                .toList();
        Experiment created = experiments.create(new ExperimentDraft(request.name(), request.unit(), request.traffic(), arms), caller.owner());
        return HttpResponse.status(HttpStatus.CREATED).body(ExperimentView.of(created));
    }

    @Get
    ExperimentList list() {
        return new ExperimentList(experiments.list().stream().map(ExperimentView::of).toList());
    }

    @Get("/{id}")
    ExperimentView get(String id) {
        return ExperimentView.of(experiments.get(id));
    }

    @Post("/{id}/start")
    ExperimentView start(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return ExperimentView.of(experiments.start(id, caller));
    }

    @Post("/{id}/stop")
    ExperimentView stop(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return ExperimentView.of(experiments.stop(id, caller));
    }

    @Patch("/{id}")
    ExperimentView update(String id,
            @RequestBody(content = @Content(schema = @Schema(implementation = UpdateRequest.class))) @Body @Nullable String body,
            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        UpdateRequest request = json.read(body, UpdateRequest.class);
        if (request.weights() == null && request.traffic() == null) {
            throw InvalidRequestException.invalid("send 'weights' (by arm name) and/or 'traffic'");
        }
        return ExperimentView.of(experiments.update(id, request.weights(), request.traffic(), caller));
    }

    @Get("/{id}/results")
    ResultsView results(String id) {
        Experiment experiment = experiments.get(id);
        ExperimentResults results = experiments.results(id);
        return new ResultsView(experiment.id(), experiment.unit().wireName(),
                results.arms().stream().map(ArmResultView::of).toList(),
                SrmView.of(results.srm()));
    }

    /** Results over time: one cumulative point per bucket of serving time, each with every arm's results then. */
    record TimelineView(String experimentId, String bucket, List<TimelinePointView> points) {
    }

    /** The results of everything served before {@code until}. */
    record TimelinePointView(Instant until, List<ArmResultView> arms, SrmView srm) {
    }

    @Get("/{id}/results/timeline{?bucket}")
    TimelineView timeline(String id, @Nullable String bucket) {
        String field = bucket == null ? "day" : bucket;
        if (!field.equals("hour") && !field.equals("day")) {
            throw InvalidRequestException.invalid("invalid_request", "'bucket' must be 'hour' or 'day', was '" + bucket + "'", "bucket");
        }
        return new TimelineView(id, field, experiments.timeline(id, field).stream()
                .map(point -> new TimelinePointView(point.until(), point.results().arms().stream().map(ArmResultView::of).toList(),
                        SrmView.of(point.results().srm())))
                .toList());
    }

    @Get(value = "/{id}/results.csv", produces = "text/csv")
    HttpResponse<String> resultsCsv(String id) {
        ExperimentResults results = experiments.results(id);
        StringBuilder csv = new StringBuilder("arm,control,weight,units,messages,rating_mean,rating_ci95_lo,rating_ci95_hi,"
                + "retry_rate,retry_rate_ci95_lo,retry_rate_ci95_hi,conversation_length_mean,conversation_length_ci95_lo,"
                + "conversation_length_ci95_hi,rating_lift,rating_p_value,retry_lift,retry_p_value,conversation_length_lift,"
                + "conversation_length_p_value,srm_chi2,srm_p_value,srm_flagged\n");
        for (ArmResult arm : results.arms()) {
            csv.append(String.join(",", quote(arm.name()), Boolean.toString(arm.control()), number(arm.weight()),
                    Long.toString(arm.units()), Long.toString(arm.messages()),
                    number(arm.ratingMean()), lo(arm.ratingCi95()), hi(arm.ratingCi95()),
                    number(arm.retryRate()), lo(arm.retryRateCi95()), hi(arm.retryRateCi95()),
                    number(arm.conversationLengthMean()), lo(arm.conversationLengthCi95()), hi(arm.conversationLengthCi95()),
                    number(arm.ratingLift()), number(arm.ratingPValue()), number(arm.retryLift()), number(arm.retryPValue()),
                    number(arm.conversationLengthLift()), number(arm.conversationLengthPValue()),
                    number(results.srm().chi2()), number(results.srm().pValue()), Boolean.toString(results.srm().flagged())))
                    .append('\n');
        }
        return HttpResponse.ok(csv.toString()).contentType(MediaType.of("text/csv"))
                .header("Content-Disposition", "attachment; filename=\"" + id + "-results.csv\"");
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }

    private static String number(@Nullable Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.6g", value);
    }

    private static String lo(@Nullable double[] ci) {
        return ci == null ? "" : number(ci[0]);
    }

    private static String hi(@Nullable double[] ci) {
        return ci == null ? "" : number(ci[1]);
    }
}
