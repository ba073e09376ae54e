package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;

/**
 * How automatically routed turns outside experiments explore ({@code llmc.routing.exploration.*}): {@code policy} is
 * {@code greedy}, {@code epsilon-greedy} (with {@code epsilon}), {@code thompson} (Gaussian over the controller's
 * top-k scores, with {@code sigma}) or {@code linear-thompson} (a Bayesian linear model per expert over e(C), with
 * {@code prior-precision} λ, {@code noise} v, {@code samples} K Monte Carlo draws per propensity, and the shared
 * statistics reloaded every {@code refresh}). See docs/exploration.md.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.routing.exploration")
public record ExplorationConfig(
        @Bindable(defaultValue = "greedy") String policy,
        @Bindable(defaultValue = "0.1") double epsilon,
        @Bindable(defaultValue = "0.05") double sigma,
        @Bindable(defaultValue = "1.0") double priorPrecision,
        @Bindable(defaultValue = "0.25") double noise,
        @Bindable(defaultValue = "1000") int samples,
        @Bindable(defaultValue = "1s") Duration refresh) {

    public static final String GREEDY = "greedy";
    public static final String EPSILON_GREEDY = "epsilon-greedy";
    public static final String THOMPSON = "thompson";
    public static final String LINEAR_THOMPSON = "linear-thompson";
    private static final List<String> POLICIES = List.of(GREEDY, EPSILON_GREEDY, THOMPSON, LINEAR_THOMPSON);

    public ExplorationConfig {
        if (!POLICIES.contains(policy)) {
            throw new StartupRefusedException("llmc.routing.exploration.policy must be one of " + String.join(", ", POLICIES)
                    + "; was '" + policy + "'");
        }
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new StartupRefusedException("llmc.routing.exploration.epsilon must be between 0 and 1, was " + epsilon);
        }
        if (!(sigma > 0 && sigma <= 10)) {
            throw new StartupRefusedException("llmc.routing.exploration.sigma must be > 0 and at most 10, was " + sigma);
        }
        if (!(priorPrecision > 0 && priorPrecision <= 1e6)) {
            throw new StartupRefusedException("llmc.routing.exploration.prior-precision must be > 0 and at most 1e6, was " + priorPrecision);
        }
        if (!(noise > 0 && noise <= 10)) {
            throw new StartupRefusedException("llmc.routing.exploration.noise must be > 0 and at most 10, was " + noise);
        }
        if (samples < 1 || samples > 100_000) {
            throw new StartupRefusedException("llmc.routing.exploration.samples must be between 1 and 100000, was " + samples);
        }
        if (refresh.isNegative() || refresh.isZero()) {
            throw new StartupRefusedException("llmc.routing.exploration.refresh must be positive, was " + refresh);
        }
    }

    public boolean linearThompson() {
        return policy.equals(LINEAR_THOMPSON);
    }
}
