package dev.llmc.tools.simulate;

import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.model.matrix.RoutingMatrix;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Scores linear Thompson sampling's posteriors on the evaluation prompts as the gateway holds them: each prompt a one-turn
 * conversation sent to {@code POST /admin/routing/explain} with {@code posterior_mean}, its top expert taken, i.e. the
 * policy's choice without sampling, cold-start share or stickiness. The value is the mean true label of the chosen
 * experts. It first waits until the gateway has folded every logged observation of its encoder against the active
 * version, so a round's last feedback (and a refold after a promotion) is in what is scored.
 */
final class PosteriorMeanEvaluation {
    private static final long FOLD_TIMEOUT_MILLIS = 300_000;
    private final GatewayClient gateway;
    private final String adminKey;
    private final DataSource dataSource;
    /** The gateway's encoder: it folds only observations of e(C) from that encoder. */
    private final String encoderId;
    private final RoutingMatrix matrix;
    private final int[] prompts;
    /** Expert name → matrix column. */
    private final Map<String, Integer> columns;

    PosteriorMeanEvaluation(GatewayClient gateway, String adminKey, DataSource dataSource, String encoderId, RoutingMatrix matrix,
            int[] prompts, Map<String, Integer> columns) {
        this.gateway = gateway;
        this.adminKey = adminKey;
        this.dataSource = dataSource;
        this.encoderId = encoderId;
        this.matrix = matrix;
        this.prompts = prompts;
        this.columns = columns;
    }

    /** Mean label of the expert with the best posterior mean on each evaluation prompt. */
    double utility() throws InterruptedException {
        awaitFolded();
        double total = 0;
        for (int prompt : prompts) {
            String expert = gateway.posteriorMeanChoice(adminKey, matrix.prompts().get(prompt)).expert();
            total += matrix.label(prompt, columns.get(expert));
        }
        return total / prompts.length;
    }

    /**
     * Until the logged observations of the gateway's encoder stop growing and the gateway reports all of them folded (it
     * refreshes every second).
     */
    private void awaitFolded() throws InterruptedException {
        String probe = matrix.prompts().get(prompts[0]);
        long deadline = System.currentTimeMillis() + FOLD_TIMEOUT_MILLIS;
        long previous = -1;
        while (true) {
            long logged = loggedObservations();
            long folded = gateway.posteriorMeanChoice(adminKey, probe).observations();
            if (folded == logged && logged == previous) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the gateway folded " + folded + " of " + logged + " observations in "
                        + FOLD_TIMEOUT_MILLIS / 1000 + " s");
            }
            previous = logged;
            Thread.sleep(1000);
        }
    }

    private long loggedObservations() {
        // The gateway's own filter (RewardObservations): rows without an encoder are the one exposures defaulted to.
        try (Connection c = dataSource.getConnection(); PreparedStatement count = c.prepareStatement(
                "select count(*) from exploration_observations where coalesce(encoder, ?) = ?")) {
            count.setString(1, LoggedExposureReader.UNRECORDED_ENCODER);
            count.setString(2, encoderId);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count exploration_observations: " + e.getMessage(), e);
        }
    }
}
