package dev.llmc.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExpertDraftValidatorTest {
    private static final ExpertNode NODE = new ExpertNode("http://node:8000/v1", null);

    private static String rejectedField(ExpertDraft draft) {
        return assertThrows(InvalidExpertException.class, () -> ExpertDraftValidator.validate(draft)).field();
    }

    private static ExpertDraft withName(String name) {
        return new ExpertDraft(name, "Answers cooking questions", List.of(NODE));
    }

    private static ExpertDraft withNode(ExpertNode node) {
        return new ExpertDraft("cooking", "Answers cooking questions", List.of(NODE, node));
    }

    @Test
    void acceptsNameWithDigitsDotsUnderscoresAndDashes() {
        assertEquals("llama-3.1_chef", ExpertDraftValidator.validate(withName("llama-3.1_chef")).name());
    }

    static Stream<String> malformedNames() {
        return Stream.of("", "Cooking", "Auto", "-cooking", ".cooking", "cook ing", "cooking!", "kochen-ü", "a".repeat(65));
    }

    @ParameterizedTest
    @NullSource
    @MethodSource("malformedNames")
    void rejectsAMissingMalformedOrTooLongName(String name) {
        assertEquals("name", rejectedField(withName(name)));
    }

    @Test
    void accepts64CharacterName() {
        assertEquals("a".repeat(64), ExpertDraftValidator.validate(withName("a".repeat(64))).name());
    }

    @Test
    void rejectsReservedNameAuto() {
        InvalidExpertException e = assertThrows(InvalidExpertException.class,
                () -> ExpertDraftValidator.validate(withName("auto")));
        assertEquals("name", e.field());
        assertEquals("name 'auto' is reserved: it asks the controller to choose an expert", e.getMessage());
    }

    static Stream<String> invalidDescriptions() {
        return Stream.of("", "   ", "\n\t", "x".repeat(4001));
    }

    @ParameterizedTest
    @NullSource
    @MethodSource("invalidDescriptions")
    void rejectsAMissingBlankOrTooLongDescription(String description) {
        assertEquals("description", rejectedField(new ExpertDraft("cooking", description, List.of(NODE))));
    }

    @Test
    void trimsDescription() {
        assertEquals("Answers cooking questions",
                ExpertDraftValidator.validate(new ExpertDraft("cooking", "  Answers cooking questions\n", List.of(NODE)))
                        .description());
    }

    @Test
    void rejectsDraftWithoutNodes() {
        assertEquals("nodes", rejectedField(new ExpertDraft("cooking", "Answers", List.of())));
        assertEquals("nodes", rejectedField(new ExpertDraft("cooking", "Answers", null)));
    }

    @Test
    void rejectsMoreThan64Nodes() {
        assertEquals("nodes", rejectedField(new ExpertDraft("cooking", "Answers", Collections.nCopies(65, NODE))));
    }

    @Test
    void accepts64Nodes() {
        assertEquals(64, ExpertDraftValidator.validate(
                new ExpertDraft("cooking", "Answers", Collections.nCopies(64, NODE))).nodes().size());
    }

    @Test
    void rejectsNullNodeNamingItsIndex() {
        List<ExpertNode> nodes = new ArrayList<>();
        nodes.add(NODE);
        nodes.add(null);
        assertEquals("nodes[1]", rejectedField(new ExpertDraft("cooking", "Answers", nodes)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"ftp://node/v1", "node:8000/v1", "/v1", "http:///v1", "http:/v1", "http://",
            "http://node/v1?key=1", "http://node/v1#top", "http://no de/v1", "", "http://user:pw@node/v1"})
    void rejectsABaseUrlThatIsMissingOrNotAnHttpUrlWithHost(String url) {
        assertEquals("nodes[1].base_url", rejectedField(withNode(new ExpertNode(url, null))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void rejectsNodeWeightOutsideOneToHundred(int weight) {
        assertEquals("nodes[1].weight", rejectedField(withNode(new ExpertNode("http://node/v1", null, weight, null))));
    }

    @Test
    void rejectsPatchThatChangesNothing() {
        InvalidExpertException e = assertThrows(InvalidExpertException.class,
                () -> ExpertDraftValidator.validate(new ExpertPatch(null, null, null), "cooking"));
        assertEquals("body", e.field());
    }

    @Test
    void baseUrlMessageTellsTheCallerWhatIsExpected() {
        InvalidExpertException e = assertThrows(InvalidExpertException.class,
                () -> ExpertDraftValidator.validate(withNode(new ExpertNode("ftp://node/v1", null))));
        assertEquals("nodes[1].base_url must be an http or https URL with a host and without credentials, query or fragment,"
                + " e.g. http://host:8000/v1", e.getMessage());
    }

    @Test
    void removesTrailingSlashFromBaseUrl() {
        ExpertDraft valid = ExpertDraftValidator.validate(withNode(new ExpertNode("https://node.example:8443/v1/", "m")));
        assertEquals("https://node.example:8443/v1", valid.nodes().get(1).baseUrl());
    }

    @Test
    void defaultsNodeModelToExpertName() {
        assertEquals("cooking", ExpertDraftValidator.validate(withNode(NODE)).nodes().get(1).model());
    }

    @Test
    void keepsGivenNodeModel() {
        assertEquals("meta-llama/Llama-3.1-8B-Instruct", ExpertDraftValidator.validate(
                withNode(new ExpertNode("http://node", "meta-llama/Llama-3.1-8B-Instruct"))).nodes().get(1).model());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "llama\n3", "llama\u00003"})
    void rejectsBlankModelOrModelWithControlCharacters(String model) {
        assertEquals("nodes[1].model", rejectedField(withNode(new ExpertNode("http://node", model))));
    }

    @Test
    void rejectsModelLongerThan256Characters() {
        assertEquals("nodes[1].model", rejectedField(withNode(new ExpertNode("http://node", "m".repeat(257)))));
    }

    @Test
    void validatingANormalisedDraftChangesNothing() {
        ExpertDraft once = ExpertDraftValidator.validate(withNode(new ExpertNode("http://node/v1/", null)));
        assertEquals(once, ExpertDraftValidator.validate(once));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nul \u0000 inside", "lone \ud800 surrogate", "lone low \udc00"})
    void rejectsDescriptionPostgresCannotStore(String description) {
        assertEquals("description", rejectedField(new ExpertDraft("cooking", description, List.of(NODE))));
    }

    @Test
    void rejectsNodeModelPostgresCannotStore() {
        assertEquals("nodes[1].model", rejectedField(withNode(new ExpertNode("http://other:8000/v1", "m\ud800", 1, null))));
    }

    @Test
    void acceptsDescriptionWithPairedSurrogates() {
        assertEquals("emoji \ud83d\ude00", ExpertDraftValidator.validate(new ExpertDraft("cooking", "emoji \ud83d\ude00", List.of(NODE))).description());
    }
}
