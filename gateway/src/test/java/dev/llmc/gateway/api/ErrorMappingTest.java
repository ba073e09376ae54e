package dev.llmc.gateway.api;

import dev.llmc.abtest.experiment.ExperimentStoreUnavailableException;
import dev.llmc.abtest.experiment.InvalidExperimentException;
import dev.llmc.gateway.auth.InvalidKeyRequestException;
import dev.llmc.gateway.auth.KeyStoreUnavailableException;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.gateway.routing.NoExpertAvailableException;
import dev.llmc.registry.ExpertNotFoundException;
import dev.llmc.registry.RegistryUnavailableException;
import io.micronaut.http.HttpStatus;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ErrorMappingTest {

    @Test
    void namesTheOffendingFieldOfAFeatureException() {
        ErrorMapping.Mapped mapped = ErrorMapping.map(new InvalidKeyRequestException("owner", "owner must be ..."));
        assertEquals(HttpStatus.BAD_REQUEST, mapped.status());
        assertEquals("invalid_request", mapped.code());
        assertEquals("owner", mapped.param());
    }

    @Test
    void keepsTheFieldOfALibraryException() {
        assertEquals("arms[0].weight", ErrorMapping.map(new InvalidExperimentException("arms[0].weight", "bad weight")).param());
    }

    @Test
    void answersAnUnreachableStoreWith503AndAStableMessage() {
        ErrorMapping.Mapped registry = ErrorMapping.map(new RegistryUnavailableException("connection refused to db:5432", null));
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, registry.status());
        assertEquals("registry_unavailable", registry.code());
        assertFalse(registry.message().contains("db:5432"), registry.message());
        assertEquals("experiments_unavailable",
                ErrorMapping.map(new ExperimentStoreUnavailableException("boom", null)).code());
        assertEquals("database_unavailable",
                ErrorMapping.map(new KeyStoreUnavailableException("list API keys", new SQLException("boom"))).code());
    }

    @Test
    void givesEachNoExpertReasonItsOwnCode() {
        ErrorMapping.Mapped mapped = ErrorMapping.map(
                new NoExpertAvailableException(NoExpertAvailableException.Reason.NO_HEALTHY_NODE, "no healthy node"));
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, mapped.status());
        assertEquals("no_healthy_node", mapped.code());
    }

    @Test
    void passesANodeRejectionThroughWithItsOwnStatus() {
        ErrorMapping.Mapped mapped = ErrorMapping.map(
                new UpstreamException(UpstreamException.Kind.REJECTED, "rejected", null, 422, "bad"));
        assertEquals(HttpStatus.UNPROCESSABLE_ENTITY, mapped.status());
        assertEquals("expert_rejected_request", mapped.code());
    }

    @Test
    void answersAnyOtherNodeFailureWith502() {
        assertEquals(HttpStatus.BAD_GATEWAY,
                ErrorMapping.map(new UpstreamException(UpstreamException.Kind.TIMEOUT, "timed out", null)).status());
    }

    @Test
    void answersAnUnexpectedFaultWith500WithoutItsText() {
        ErrorMapping.Mapped mapped = ErrorMapping.map(new IllegalStateException("secret internals"));
        assertEquals(HttpStatus.INTERNAL_SERVER_ERROR, mapped.status());
        assertEquals("internal_error", mapped.code());
        assertNull(mapped.param());
        assertFalse(mapped.message().contains("secret internals"));
    }

    @Test
    void mapsAMissingExpertTo404() {
        assertEquals(HttpStatus.NOT_FOUND, ErrorMapping.map(new ExpertNotFoundException("exp_1")).status());
    }
}
