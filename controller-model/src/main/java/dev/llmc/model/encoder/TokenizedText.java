package dev.llmc.model.encoder;

/** Model inputs for one text: token ids (with [CLS] and [SEP]), attention mask and token type ids, all the same length. */
public record TokenizedText(long[] ids, long[] attentionMask, long[] typeIds) {

    public TokenizedText {
        if (attentionMask.length != ids.length || typeIds.length != ids.length) {
            throw new IllegalArgumentException("ids, attentionMask and typeIds must have the same length");
        }
    }

    /** Number of tokens, special tokens included. */
    public int length() {
        return ids.length;
    }
}
