package dev.llmc.helm;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.llmc.helm.RenderedChart.at;
import static dev.llmc.helm.RenderedChart.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway pod stops without dropping requests (preStop while endpoints drain, then the gateway's own grace period
 * and the event queue's drain, all inside the pod's termination grace), and its event spool lives on a volume that
 * outlives a container restart.
 */
class GatewayShutdownAndSpoolTest {
    private static final String SPOOL_DIR = "/var/lib/llmc/event-spool";
    private final RenderedChart defaults = RenderedChart.render();

    @Test
    void preStopSleepsWhileEndpointsDrainAndTheGraceCoversSleepShutdownAndEventDrain() {
        Map<String, Object> gateway = defaults.container("Deployment", "llmc-gateway");
        Map<String, Object> podSpec = defaults.podSpec("Deployment", "llmc-gateway");

        assertEquals(List.of("sleep", "10"), at(gateway, "lifecycle", "preStop", "exec", "command"));
        assertEquals("30s", env(gateway).get("LLMC_SHUTDOWN_GRACE_PERIOD").get("value"));
        assertEquals(75, (int) at(podSpec, "terminationGracePeriodSeconds"));
    }

    @Test
    void theShutdownGracePeriodReachesTheGatewayAndATerminationGraceTooShortForItIsRefused() {
        RenderedChart longer = RenderedChart.renderWith(Map.of("gateway.shutdown.gracePeriodSeconds", "45",
                "gateway.terminationGracePeriodSeconds", "85"));
        assertEquals("45s", env(longer.container("Deployment", "llmc-gateway")).get("LLMC_SHUTDOWN_GRACE_PERIOD").get("value"));

        IllegalStateException tooShort = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("gateway.shutdown.gracePeriodSeconds", "45")));
        assertTrue(tooShort.getMessage().contains("gateway.terminationGracePeriodSeconds must be at least 85"), tooShort.getMessage());
    }

    @Test
    void noPreStopSleepWhenItIsZero() {
        Map<String, Object> gateway = RenderedChart.renderWith(Map.of("gateway.shutdown.preStopSeconds", "0"))
                .container("Deployment", "llmc-gateway");
        assertFalse(gateway.containsKey("lifecycle"), gateway.toString());
    }

    @Test
    void theSpoolIsAnEmptyDirWithASizeLimitMountedWhereTheGatewaySpools() {
        Map<String, Object> gateway = defaults.container("Deployment", "llmc-gateway");

        assertEquals(SPOOL_DIR, env(gateway).get("LLMC_EVENTS_SPOOL_DIR").get("value"));
        assertEquals("event-spool", spoolMount(gateway).get("name"));
        assertEquals(Map.of("name", "event-spool", "emptyDir", Map.of("sizeLimit", "1Gi")), spoolVolume(defaults));
    }

    @Test
    void aPersistentSpoolIsAClaimPerPodFromTheStorageClass() {
        RenderedChart persistent = RenderedChart.renderWith(Map.of("gateway.spool.persistent.enabled", "true",
                "gateway.spool.persistent.storageClassName", "fast-ssd", "gateway.spool.persistent.size", "5Gi"));

        Map<String, Object> volume = spoolVolume(persistent);
        assertFalse(volume.containsKey("emptyDir"), volume.toString());
        Map<String, Object> claim = at(volume, "ephemeral", "volumeClaimTemplate", "spec");
        assertEquals(List.of("ReadWriteOnce"), claim.get("accessModes"));
        assertEquals("fast-ssd", claim.get("storageClassName"));
        assertEquals("5Gi", RenderedChart.<String>at(claim, "resources", "requests", "storage"));
        assertEquals("event-spool", spoolMount(persistent.container("Deployment", "llmc-gateway")).get("name"));
        Map<String, Object> defaultClass = at(spoolVolume(RenderedChart.renderWith(Map.of("gateway.spool.persistent.enabled", "true"))),
                "ephemeral", "volumeClaimTemplate", "spec");
        assertFalse(defaultClass.containsKey("storageClassName"), "no class named: the cluster's default");
    }

    private static Map<String, Object> spoolMount(Map<String, Object> container) {
        List<Map<String, Object>> mounts = at(container, "volumeMounts");
        return mounts.stream().filter(mount -> SPOOL_DIR.equals(mount.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + SPOOL_DIR + ": " + mounts));
    }

    private static Map<String, Object> spoolVolume(RenderedChart chart) {
        List<Map<String, Object>> volumes = at(chart.podSpec("Deployment", "llmc-gateway"), "volumes");
        return volumes.stream().filter(volume -> "event-spool".equals(volume.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no event-spool volume: " + volumes));
    }
}
