package dev.llmc.abtest.experiment;

import java.util.Locale;

/** An experiment's life: created as a draft, running (assigning units), stopped for good. */
public enum ExperimentStatus {
    DRAFT, RUNNING, STOPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExperimentStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
