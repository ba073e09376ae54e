package dev.llmc.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The active experts of one registry snapshot, with their lookups built once per snapshot rather than per routed turn.
 * Immutable: a turn that holds it sees one consistent set however often the registry changes meanwhile.
 */
public final class ActiveExperts {
    static final ActiveExperts NONE = new ActiveExperts(List.of());

    private final List<Expert> list;
    private final Map<String, Expert> byId;
    private final Map<String, Expert> byName;

    ActiveExperts(List<Expert> active) {
        this.list = List.copyOf(active);
        Map<String, Expert> ids = HashMap.newHashMap(active.size());
        Map<String, Expert> names = HashMap.newHashMap(active.size());
        for (Expert expert : active) {
            ids.put(expert.id(), expert);
            names.put(expert.name(), expert);
        }
        this.byId = ids;
        this.byName = names;
    }

    /** Oldest first. */
    public List<Expert> list() {
        return list;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** The active expert with this id, or null. */
    public Expert byId(String id) {
        return id == null ? null : byId.get(id);
    }

    /** The active expert with this name, or null. */
    public Expert byName(String name) {
        return name == null ? null : byName.get(name);
    }
}
