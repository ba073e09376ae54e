package dev.llmc.gateway.experiments;

import dev.llmc.abtest.assignment.AssignmentStore;
import dev.llmc.abtest.assignment.InMemoryAssignmentStore;
import dev.llmc.abtest.experiment.JdbcExperimentStore;
import dev.llmc.abtest.stats.JdbcUnitAggregates;
import dev.llmc.gateway.storage.RedisConnections;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/** Wires the A/B testing library to the gateway's database and Redis. */
@Factory
final class ExperimentsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentsFactory.class);

    @Singleton
    JdbcExperimentStore experimentStore(DataSource dataSource) {
        return new JdbcExperimentStore(dataSource);
    }

    @Singleton
    JdbcUnitAggregates unitAggregates(DataSource dataSource) {
        return new JdbcUnitAggregates(dataSource);
    }

    @Singleton
    AssignmentStore assignmentStore(RedisConnections redis) {
        if (redis.configured()) {
            return new RedisAssignmentStore(redis);
        }
        LOG.warn("no Redis: experiment assignments are kept in this process (single replica; lost on restart)");
        return new InMemoryAssignmentStore();
    }
}
