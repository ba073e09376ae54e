package dev.llmc.abtest.experiment;

import java.util.List;

/** What a caller sends to create an experiment, before validation (any field may be missing). */
public record ExperimentDraft(String name, String unit, Double traffic, List<ArmDraft> arms) {

    /** One arm as sent; {@code policy} fields are flattened here so the library needs no JSON. */
    public record ArmDraft(String name, Double weight, Boolean control, String controllerVersion,
                           String policyType, Double epsilon, Double sigma, boolean hasPolicy, String expert) {
    }
}
