package dev.llmc.gateway.routing;

import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.ScoredExpert;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast a new, genuinely better expert wins traffic, with the router's real {@link ColdStartExploration}.
 * One topic: an incumbent whose replies satisfy 60 % of users and a newcomer that satisfies 75 %, but whose
 * description scores a little lower (0.45 vs 0.50), so a greedy router without exploration never tries it. 30 % of
 * turns get feedback; the controller is retrained every 500 turns, scoring each expert by the posterior mean of its
 * satisfaction with its content score as a 20-observation prior (content-based until feedback accumulates). An expert
 * is "new" below 100 messages with feedback. The newcomer "wins" once it serves over half of the last 500 turns.
 * Prints, per exploration share, the median turn at which it won and the satisfaction given up on the way.
 */
class ColdStartSimulationTest {
    private static final double INCUMBENT_TRUE = 0.60;
    private static final double NEWCOMER_TRUE = 0.75;
    private static final double INCUMBENT_CONTENT = 0.50;
    private static final double NEWCOMER_CONTENT = 0.45;
    private static final double PRIOR_WEIGHT = 20;
    private static final double FEEDBACK_RATE = 0.3;
    private static final int MIN_FEEDBACK = 100;
    private static final int RETRAIN_EVERY = 500;
    private static final int WINDOW = 500;
    private static final int HORIZON = 30_000;
    private static final int SEEDS = 25;

    /** One run's outcome: the turn the newcomer won (-1: never) and satisfaction lost against always choosing it. */
    record Outcome(int wonAt, double regret) {
    }

    static Outcome simulate(double share, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ColdStartExploration exploration = new ColdStartExploration(share);
        double[] trueRate = {INCUMBENT_TRUE, NEWCOMER_TRUE};
        double[] content = {INCUMBENT_CONTENT, NEWCOMER_CONTENT};
        double[] successes = new double[2];
        int[] feedback = new int[2];
        // The incumbent has been serving for a while: its θ is learned.
        feedback[0] = 2000;
        successes[0] = 2000 * INCUMBENT_TRUE;
        double[] score = new double[2];
        Deque<Integer> recent = new ArrayDeque<>();
        int newcomerInWindow = 0;
        double regret = 0;
        for (int turn = 0; turn < HORIZON; turn++) {
            if (turn % RETRAIN_EVERY == 0) {
                for (int m = 0; m < 2; m++) {
                    score[m] = (content[m] * PRIOR_WEIGHT + successes[m]) / (PRIOR_WEIGHT + feedback[m]);
                }
            }
            int greedy = score[1] > score[0] ? 1 : 0;
            ExplorationPolicy.Choice policy = new ExplorationPolicy.Choice(new ScoredExpert("e" + greedy, score[greedy]), 1.0);
            ScoredExpert bestNew = feedback[1] < MIN_FEEDBACK ? new ScoredExpert("e1", score[1]) : null;
            int chosen = exploration.apply(policy, id -> id.equals(policy.expert().expertId()) ? 1 : 0, bestNew, random).expert().expertId().equals("e1") ? 1 : 0;

            boolean satisfied = random.nextDouble() < trueRate[chosen];
            regret += NEWCOMER_TRUE - trueRate[chosen];
            if (random.nextDouble() < FEEDBACK_RATE) {
                feedback[chosen]++;
                successes[chosen] += satisfied ? 1 : 0;
            }
            recent.addLast(chosen);
            newcomerInWindow += chosen;
            if (recent.size() > WINDOW) {
                newcomerInWindow -= recent.removeFirst();
            }
            if (recent.size() == WINDOW && newcomerInWindow > WINDOW / 2) {
                return new Outcome(turn, regret);
            }
        }
        return new Outcome(-1, regret);
    }

    @Test
    void newBetterExpertWinsTrafficOnlyWithAnExplorationShare() {
        System.out.println("cold start: newcomer 75 % vs incumbent 60 % satisfaction, content score 0.45 vs 0.50, "
                + SEEDS + " runs each");
        System.out.println("share | runs won | median turn won | median satisfaction given up (turns x rate)");
        for (double share : new double[] {0, 0.02, 0.05, 0.1, 0.2}) {
            int[] wonAt = new int[SEEDS];
            double[] regrets = new double[SEEDS];
            int won = 0;
            for (int seed = 0; seed < SEEDS; seed++) {
                Outcome outcome = simulate(share, seed);
                wonAt[seed] = outcome.wonAt() < 0 ? Integer.MAX_VALUE : outcome.wonAt();
                regrets[seed] = outcome.regret();
                won += outcome.wonAt() >= 0 ? 1 : 0;
            }
            java.util.Arrays.sort(wonAt);
            java.util.Arrays.sort(regrets);
            int median = wonAt[SEEDS / 2];
            System.out.printf("%5.2f | %3d/%d   | %15s | %8.0f%n", share, won, SEEDS,
                    median == Integer.MAX_VALUE ? "never" : String.valueOf(median), regrets[SEEDS / 2]);
            if (share == 0) {
                assertEquals(0, won, "without exploration the better newcomer is never tried");
            }
            if (share >= 0.05) {
                assertTrue(won >= SEEDS * 9 / 10, "share " + share + ": newcomer won in only " + won + " runs");
            }
        }
    }
}
