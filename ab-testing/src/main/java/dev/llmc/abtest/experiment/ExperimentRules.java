package dev.llmc.abtest.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules an experiment must follow: a name, a unit, traffic in (0, 1], at least two uniquely named arms with
 * positive weights (normalised to sum to 1), exactly one control, and exactly one treatment per arm.
 */
public final class ExperimentRules {
    private static final Pattern ARM_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final Pattern EXPERT_NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
    private static final int MAX_ARMS = 20;

    private ExperimentRules() {
    }

    /** A validated definition: unit, traffic and arms with normalised weights. */
    public record Definition(String name, ExperimentUnit unit, double traffic, List<Arm> arms) {
    }

    public static Definition validate(ExperimentDraft draft) {
        if (draft.name() == null || draft.name().isBlank()) {
            throw new InvalidExperimentException("name", "'name' is required");
        }
        if (draft.name().length() > 128) {
            throw new InvalidExperimentException("name", "'name' must be at most 128 characters");
        }
        requireStorable("name", draft.name());
        if (draft.unit() == null) {
            throw new InvalidExperimentException("unit", "'unit' is required: 'user' or 'conversation'");
        }
        ExperimentUnit unit = ExperimentUnit.fromWireName(draft.unit());
        double traffic = traffic(draft.traffic() == null ? 1.0 : draft.traffic());
        if (draft.arms() == null || draft.arms().size() < 2) {
            throw new InvalidExperimentException("arms", "'arms' must list at least two arms");
        }
        if (draft.arms().size() > MAX_ARMS) {
            throw new InvalidExperimentException("arms", "'arms' may list at most " + MAX_ARMS + " arms");
        }
        List<Arm> arms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int controls = 0;
        for (int i = 0; i < draft.arms().size(); i++) {
            ExperimentDraft.ArmDraft arm = draft.arms().get(i);
            String where = "arms[" + i + "]";
            if (arm == null) {
                throw new InvalidExperimentException(where, where + " must be an object");
            }
            if (arm.name() == null || !ARM_NAME.matcher(arm.name()).matches()) {
                throw new InvalidExperimentException(where + ".name", where + ".name is required: letters, digits, '.', '_' or '-', at most 64");
            }
            if (!names.add(arm.name())) {
                throw new InvalidExperimentException(where + ".name", where + ".name '" + arm.name() + "' is used by another arm");
            }
            if (arm.weight() == null) {
                throw new InvalidExperimentException(where + ".weight", where + ".weight is required: a positive number");
            }
            requirePositive(where + ".weight", arm.weight());
            boolean control = Boolean.TRUE.equals(arm.control());
            controls += control ? 1 : 0;
            int treatments = (arm.controllerVersion() != null ? 1 : 0) + (arm.hasPolicy() ? 1 : 0) + (arm.expert() != null ? 1 : 0);
            if (treatments != 1) {
                throw new InvalidExperimentException(where, where + " must have exactly one of 'controller_version', 'policy', 'expert'");
            }
            PolicySpec policy = null;
            if (arm.hasPolicy()) {
                policy = PolicySpec.validated(where + ".policy", arm.policyType(), arm.epsilon(), arm.sigma());
            }
            if (arm.controllerVersion() != null && arm.controllerVersion().isBlank()) {
                throw new InvalidExperimentException(where + ".controller_version", where + ".controller_version must not be empty");
            }
            requireStorable(where + ".controller_version", arm.controllerVersion());
            if (arm.expert() != null && !EXPERT_NAME.matcher(arm.expert()).matches()) {
                throw new InvalidExperimentException(where + ".expert", where + ".expert '" + arm.expert() + "' is not a valid expert name");
            }
            arms.add(new Arm(arm.name(), arm.weight(), control, arm.controllerVersion(), policy, arm.expert()));
        }
        if (controls != 1) {
            throw new InvalidExperimentException("arms", "exactly one arm must have \"control\": true, found " + controls);
        }
        return new Definition(draft.name(), unit, traffic, normalise(arms));
    }

    /**
     * New relative weights for some arms of an existing experiment, normalised again. Stored weights are normalised,
     * so the arms not named are first read on the scale where the smallest current weight is 1: three equal arms and
     * {@code {"b": 2}} give 1:2:1, and an experiment created 1:3 reads back as 1:3, the units its owner chose.
     */
    public static List<Arm> reweigh(Experiment experiment, Map<String, Double> weights) {
        for (Map.Entry<String, Double> entry : weights.entrySet()) {
            if (experiment.arm(entry.getKey()).isEmpty()) {
                throw new InvalidExperimentException("weights", "'weights' names arm '" + entry.getKey() + "', which this experiment does not have");
            }
            if (entry.getValue() == null) {
                throw new InvalidExperimentException("weights." + entry.getKey(), "'weights." + entry.getKey() + "' must be a positive number");
            }
            requirePositive("weights." + entry.getKey(), entry.getValue());
        }
        double smallest = experiment.arms().stream().mapToDouble(Arm::weight).min().orElse(1);
        List<Arm> arms = experiment.arms().stream()
                .map(arm -> arm.withWeight(weights.containsKey(arm.name()) ? weights.get(arm.name()) : arm.weight() / smallest))
                .toList();
        return normalise(arms);
    }

    public static double traffic(double traffic) {
        if (!(traffic > 0 && traffic <= 1)) {
            throw new InvalidExperimentException("traffic", "'traffic' must be greater than 0 and at most 1, was " + traffic);
        }
        return traffic;
    }

    /** PostgreSQL text cannot hold U+0000, and an unpaired surrogate is not text at all (it would be stored as '?'). */
    private static void requireStorable(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new InvalidExperimentException(field, "'" + field + "' must not contain U+0000");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidExperimentException(field, "'" + field + "' must not contain an unpaired surrogate");
            }
        }
    }

    private static void requirePositive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidExperimentException(field, "'" + field + "' must be a positive number, was " + value);
        }
    }

    private static List<Arm> normalise(List<Arm> arms) {
        double total = arms.stream().mapToDouble(Arm::weight).sum();
        return arms.stream().map(arm -> arm.withWeight(arm.weight() / total)).toList();
    }
}
