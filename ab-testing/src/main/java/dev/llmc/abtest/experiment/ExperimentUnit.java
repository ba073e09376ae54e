package dev.llmc.abtest.experiment;

import java.util.Locale;

/** What is randomised: a user (all their conversations share an arm) or a single conversation. */
public enum ExperimentUnit {
    USER, CONVERSATION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExperimentUnit fromWireName(String name) {
        for (ExperimentUnit unit : values()) {
            if (unit.wireName().equals(name)) {
                return unit;
            }
        }
        throw new InvalidExperimentException("unit", "'unit' must be 'user' or 'conversation', was '" + name + "'");
    }
}
