package dev.llmc.gateway.config;

import dev.llmc.registry.ExpertDraftValidator;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Per-owner quotas on the expert registry ({@code llmc.quotas.*}), which admins are exempt from: how many experts an
 * owner may have that are not retired ({@code experts-per-owner}; retired experts stay for statistics but do not
 * count), and how many nodes one expert may list ({@code nodes-per-expert}, at most the registry's own limit of
 * {@value ExpertDraftValidator#MAX_NODES}).
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.quotas")
public record QuotasConfig(
        @Bindable(defaultValue = "200") int expertsPerOwner,
        @Bindable(defaultValue = "16") int nodesPerExpert) {

    public QuotasConfig {
        if (expertsPerOwner < 1) {
            throw new StartupRefusedException("llmc.quotas.experts-per-owner must be at least 1, was " + expertsPerOwner);
        }
        if (nodesPerExpert < 1 || nodesPerExpert > ExpertDraftValidator.MAX_NODES) {
            throw new StartupRefusedException("llmc.quotas.nodes-per-expert must be 1 to " + ExpertDraftValidator.MAX_NODES
                    + ", was " + nodesPerExpert);
        }
    }
}
