package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The body of OpenAI's {@code GET /v1/models} response. */
// A node without corpora still answers "data": [], which OpenAI clients expect rather than a missing field.
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ModelList(String object, List<Model> data) {

    /** One served model. */
    public record Model(String id, String object, long created, String ownedBy) {
    }
}
