package dev.llmc.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a draft must meet before it becomes an expert. */
public final class ExpertDraftValidator {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
    /** Callers ask for {@code model: "auto"} to let the controller choose, so no expert may take that name. */
    private static final String RESERVED_NAME = "auto";
    private static final int MAX_DESCRIPTION = 4000;
    /** The most nodes any expert may list, admins' included; per-owner quotas (in the gateway) are usually lower. */
    public static final int MAX_NODES = 64;
    private static final int MAX_MODEL = 256;
    private static final int MAX_WEIGHT = 100;

    private ExpertDraftValidator() {
    }

    /** Returns the draft normalised (description trimmed, base URLs without trailing slash, models defaulted to the name). */
    public static ExpertDraft validate(ExpertDraft draft) {
        String name = draft.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("name", "must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        if (name.equals(RESERVED_NAME)) {
            throw invalid("name", "'auto' is reserved: it asks the controller to choose an expert");
        }
        return new ExpertDraft(name, description(draft.description()), nodes(draft.nodes(), name));
    }

    /**
     * Validates a batch of drafts as {@link #validate(ExpertDraft)} does each, also refusing a name repeated within it;
     * a broken rule names the draft's position ({@code experts[i].name}, …) unless the batch holds one draft.
     */
    public static List<ExpertDraft> validateAll(List<ExpertDraft> drafts) {
        Set<String> names = HashSet.newHashSet(drafts.size());
        List<ExpertDraft> valid = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            ExpertDraft draft;
            try {
                draft = validate(drafts.get(i));
            } catch (InvalidExpertException e) {
                if (drafts.size() == 1) {
                    throw e;
                }
                throw new InvalidExpertException("experts[" + i + "]." + e.field(), "experts[" + i + "]." + e.getMessage());
            }
            if (!names.add(draft.name())) {
                throw invalid("experts[" + i + "].name", "'" + draft.name() + "' appears earlier in the same request");
            }
            valid.add(draft);
        }
        return valid;
    }

    /** Returns the patch normalised like a draft; {@code expertName} is the default model of new nodes. */
    public static ExpertPatch validate(ExpertPatch patch, String expertName) {
        if (patch.description() == null && patch.nodes() == null && patch.status() == null) {
            throw invalid("body", "must change at least one of description, nodes, status");
        }
        return new ExpertPatch(patch.description() == null ? null : description(patch.description()),
                patch.nodes() == null ? null : nodes(patch.nodes(), expertName), patch.status());
    }

    private static String description(String value) {
        requireStorable("description", value);
        String description = value == null ? "" : value.strip();
        if (description.isEmpty()) {
            throw invalid("description", "must not be blank");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw invalid("description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    private static List<ExpertNode> nodes(List<ExpertNode> nodes, String name) {
        if (nodes == null || nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw invalid("nodes", "must list 1 to " + MAX_NODES + " nodes");
        }
        List<ExpertNode> normalised = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            String field = "nodes[" + i + "]";
            ExpertNode node = nodes.get(i);
            if (node == null) {
                throw invalid(field, "must not be null");
            }
            if (node.weight() < 1 || node.weight() > MAX_WEIGHT) {
                throw invalid(field + ".weight", "must be between 1 and " + MAX_WEIGHT);
            }
            normalised.add(new ExpertNode(baseUrl(field + ".base_url", node.baseUrl()),
                    model(field + ".model", node.model(), name), node.weight(), node.encryptedApiKey()));
        }
        return List.copyOf(normalised);
    }

    private static String baseUrl(String field, String value) {
        String problem = "must be an http or https URL with a host and without credentials, query or fragment, e.g. http://host:8000/v1";
        if (value == null) {
            throw invalid(field, problem);
        }
        requireStorable(field, value);
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw invalid(field, problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw invalid(field, problem);
        }
        // The proxy appends paths such as /chat/completions; a trailing slash would double it.
        String url = uri.toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    private static String model(String field, String value, String expertName) {
        if (value == null) {
            return expertName;
        }
        if (value.isBlank()) {
            throw invalid(field, "must not be blank (omit it to use the expert's name)");
        }
        if (value.length() > MAX_MODEL) {
            throw invalid(field, "must be at most " + MAX_MODEL + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(field, "must not contain control characters");
        }
        requireStorable(field, value);
        return value;
    }

    /** PostgreSQL text cannot hold U+0000, and an unpaired surrogate is not text at all (it would be stored as '?'). */
    private static void requireStorable(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw invalid(field, "must not contain U+0000");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(field, "must not contain an unpaired surrogate");
            }
        }
    }

    private static InvalidExpertException invalid(String field, String problem) {
        return new InvalidExpertException(field, field + " " + problem);
    }
}
