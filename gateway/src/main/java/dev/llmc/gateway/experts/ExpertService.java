package dev.llmc.gateway.experts;

import dev.llmc.registry.InvalidExpertException;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.config.QuotasConfig;
import dev.llmc.gateway.proxy.BlockedAddressException;
import dev.llmc.gateway.proxy.NodeAddressPolicy;
import dev.llmc.gateway.proxy.NodeHealthChecker;
import dev.llmc.gateway.proxy.SecretCipher;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.ExpertDraft;
import dev.llmc.registry.ExpertDraftValidator;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertNotFoundException;
import dev.llmc.registry.ExpertPatch;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers and changes experts for their owners: θ_m = e(description) until a trained controller exists (the same
 * encoder that embeds conversations), node URLs checked against request forgery, upstream keys sealed before they
 * are stored, and a first health check right away so a live expert is active when registration returns. Callers
 * other than admins see only their own experts; anyone else's answers 404, exactly like a missing one, and are held to
 * the {@link QuotasConfig quotas} (experts that are not retired per owner, nodes per expert): 409 {@code quota_exceeded}.
 */
@Singleton
public final class ExpertService {
    private static final int MAX_API_KEY = 4096;
    /** Descriptions per encoder call when registering a batch. */
    private static final int EMBEDDING_BATCH = 64;
    private final ExpertCatalog catalog;
    private final SentenceEncoder encoder;
    private final NodeAddressPolicy addresses;
    private final SecretCipher cipher;
    private final NodeHealthChecker healthChecker;
    private final QuotasConfig quotas;

    ExpertService(ExpertCatalog catalog, SentenceEncoder encoder, NodeAddressPolicy addresses, SecretCipher cipher,
                  NodeHealthChecker healthChecker, QuotasConfig quotas) {
        this.quotas = quotas;
        this.catalog = catalog;
        this.encoder = encoder;
        this.addresses = addresses;
        this.cipher = cipher;
        this.healthChecker = healthChecker;
    }

    /** @param apiKeys each node's plaintext upstream key (null entries: none), in node order */
    public Expert register(ExpertDraft draft, List<String> apiKeys, Caller caller) {
        // Validate before encoding: a bad request should not cost an encoder call.
        ExpertDraft valid = ExpertDraftValidator.validate(draft);
        checkNodeQuota(valid.nodes().size(), 0, caller);
        checkExpertQuota(caller);
        List<ExpertNode> nodes = guardAndSeal(valid.nodes(), apiKeys, "", new HashSet<>());
        Expert expert = catalog.register(new ExpertDraft(valid.name(), valid.description(), nodes), caller.owner(),
                encoder.embed(valid.description()));
        return healthChecker.check(expert);
    }

    /**
     * Registers a batch for an admin (quotas do not apply): all or none, one registry write and snapshot update, each
     * distinct node host resolved once and each distinct node URL and key probed once, descriptions embedded in batches.
     *
     * @param apiKeys per draft, as for {@link #register}
     */
    public List<Expert> registerAll(List<ExpertDraft> drafts, List<List<String>> apiKeys, Caller caller) {
        List<ExpertDraft> valid = ExpertDraftValidator.validateAll(drafts);
        Set<String> allowedHosts = new HashSet<>();
        List<ExpertDraft> sealed = new ArrayList<>(valid.size());
        for (int i = 0; i < valid.size(); i++) {
            ExpertDraft draft = valid.get(i);
            sealed.add(new ExpertDraft(draft.name(), draft.description(),
                    guardAndSeal(draft.nodes(), apiKeys.get(i), "experts[" + i + "].", allowedHosts)));
        }
        List<float[]> thetas = new ArrayList<>(valid.size());
        for (int from = 0; from < valid.size(); from += EMBEDDING_BATCH) {
            thetas.addAll(encoder.embed(valid.subList(from, Math.min(valid.size(), from + EMBEDDING_BATCH)).stream()
                    .map(ExpertDraft::description).toList()));
        }
        return healthChecker.check(catalog.registerAll(sealed, caller.owner(), thetas));
    }

    public List<Expert> list(Caller caller) {
        return catalog.list().stream().filter(expert -> caller.mayAccess(expert.owner())).toList();
    }

    public Expert get(String id, Caller caller) {
        Expert expert = catalog.get(id);
        if (!caller.mayAccess(expert.owner())) {
            throw new ExpertNotFoundException(id);
        }
        return expert;
    }

    /** @param apiKeys as for {@link #register}; ignored when the patch keeps the nodes */
    public Expert update(String id, ExpertPatch patch, List<String> apiKeys, Caller caller) {
        Expert current = get(id, caller);
        ExpertPatch valid = ExpertDraftValidator.validate(patch, current.name());
        if (valid.nodes() != null) {
            checkNodeQuota(valid.nodes().size(), current.nodes().size(), caller);
        }
        List<ExpertNode> nodes = valid.nodes() == null ? null : guardAndSeal(valid.nodes(), apiKeys, "", new HashSet<>());
        float[] theta = valid.description() == null ? null : encoder.embed(valid.description());
        Expert updated = catalog.update(id, new ExpertPatch(valid.description(), nodes, valid.status()), theta);
        return nodes == null ? updated : healthChecker.check(updated);
    }

    public Expert retire(String id, Caller caller) {
        get(id, caller);
        return catalog.retire(id);
    }

    /**
     * An owner may hold {@code llmc.quotas.experts-per-owner} experts that are not retired. Counted from the database
     * (every replica's registrations); two registrations racing on different replicas may both pass at the limit.
     */
    private void checkExpertQuota(Caller caller) {
        if (caller.isAdmin()) {
            return;
        }
        long owned = catalog.countNotRetired(caller.owner());
        if (owned >= quotas.expertsPerOwner()) {
            throw quotaExceeded("owner '" + caller.owner() + "' already has " + owned + " experts that are not retired; "
                    + "the limit is " + quotas.expertsPerOwner() + " (llmc.quotas.experts-per-owner): retire one first");
        }
    }

    /**
     * An expert may list {@code llmc.quotas.nodes-per-expert} nodes. An edit is held to it only when it adds nodes, so an
     * expert registered under a higher limit can still shrink towards the new one.
     */
    private void checkNodeQuota(int requested, int current, Caller caller) {
        if (caller.isAdmin() || requested <= quotas.nodesPerExpert() || requested <= current) {
            return;
        }
        throw quotaExceeded(requested + " nodes exceed the limit of " + quotas.nodesPerExpert()
                + " nodes per expert (llmc.quotas.nodes-per-expert)");
    }

    private static QuotaExceededException quotaExceeded(String message) {
        return new QuotaExceededException(message);
    }

    /**
     * The nodes with their URLs checked against request forgery and keys sealed; {@code field} prefixes the API's field
     * names (a batch's {@code experts[i].}); hosts already in {@code allowedHosts} are not resolved again.
     */
    private List<ExpertNode> guardAndSeal(List<ExpertNode> nodes, List<String> apiKeys, String field, Set<String> allowedHosts) {
        List<ExpertNode> sealed = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            ExpertNode node = nodes.get(i);
            String host = URI.create(node.baseUrl()).getHost();
            String baseUrlField = field + "nodes[" + i + "].base_url";
            if (!allowedHosts.contains(host)) {
                try {
                    addresses.resolveAllowed(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
                } catch (BlockedAddressException e) {
                    throw new InvalidExpertException(baseUrlField, baseUrlField + " is not allowed: " + e.getMessage());
                } catch (UnknownHostException e) {
                    throw new InvalidExpertException(baseUrlField, baseUrlField + " host '" + host + "' does not resolve");
                }
                allowedHosts.add(host);
            }
            String apiKey = i < apiKeys.size() ? apiKeys.get(i) : null;
            sealed.add(new ExpertNode(node.baseUrl(), node.model(), node.weight(),
                    apiKey == null ? null : cipher.seal(checkApiKey(field + "nodes[" + i + "].api_key", apiKey), node.baseUrl())));
        }
        return sealed;
    }

    private static String checkApiKey(String field, String apiKey) {
        if (apiKey.isBlank() || apiKey.length() > MAX_API_KEY || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new InvalidExpertException(field, field + " must be 1 to " + MAX_API_KEY
                    + " printable ASCII characters without spaces (omit it when the node needs no key)");
        }
        return apiKey;
    }
}
