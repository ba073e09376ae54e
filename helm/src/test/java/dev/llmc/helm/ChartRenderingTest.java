package dev.llmc.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.llmc.helm.RenderedChart.at;
import static dev.llmc.helm.RenderedChart.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart rendered with its default and its production values, checked object by object. */
class ChartRenderingTest {
    private static final String PRODUCTION = "values-production.yaml";
    private static final Set<String> SECRET_VARIABLES = Set.of("LLMC_ADMIN_KEY", "LLMC_SECRETS_KEY", "LLMC_DATABASE_PASSWORD");

    private final RenderedChart defaults = RenderedChart.render();
    private final RenderedChart production = RenderedChart.render(PRODUCTION);

    @Test
    void defaultValuesRenderGatewayWithServicesAutoscalerDisruptionBudgetNetworkPolicyAndTrainingJobButNoGpuNode() {
        assertEquals(List.of("CronJob", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service", "Service"),
                defaults.kinds().stream().sorted().toList());
        assertEquals("llmc-gateway", at(defaults.get("HorizontalPodAutoscaler", "llmc-gateway"), "spec", "scaleTargetRef", "name"));
        assertEquals(Map.of("cpu", "2", "memory", "3Gi"),
                at(defaults.container("Deployment", "llmc-gateway"), "resources", "requests"));
    }

    @Test
    void helmLintInStrictModeFindsNothing() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @Test
    void imagesAreTaggedWithTheProjectVersionByDefaultAndComeFromValuesInProduction() {
        String version = System.getProperty("llmc.version");
        assertEquals("llmc/gateway:" + version, defaults.container("Deployment", "llmc-gateway").get("image"));
        assertEquals("llmc/tools:" + version, defaults.container("CronJob", "llmc-train").get("image"));

        assertEquals("registry.example.com/llmc/gateway:0.1.0", production.container("Deployment", "llmc-gateway").get("image"));
        assertEquals("registry.example.com/llmc/gpu-node-cuda:0.1.0", production.container("Deployment", "llmc-gpu-node").get("image"));
    }

    @Test
    void gatewayProbesUseTheHealthEndpointsOnTheManagementPort() {
        for (RenderedChart chart : List.of(defaults, production)) {
            Map<String, Object> gateway = chart.container("Deployment", "llmc-gateway");
            assertEquals("/health/readiness", at(gateway, "readinessProbe", "httpGet", "path"));
            assertEquals("/health/liveness", at(gateway, "livenessProbe", "httpGet", "path"));
            assertEquals("/health/liveness", at(gateway, "startupProbe", "httpGet", "path"));
            for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                assertEquals("management", at(gateway, probe, "httpGet", "port"), probe);
            }
            assertEquals(List.of(Map.of("name", "http", "containerPort", 8080), Map.of("name", "management", "containerPort", 8081)),
                    at(gateway, "ports"));
            assertEquals("8080", env(gateway).get("LLMC_PORT").get("value"));
            assertEquals("8081", env(gateway).get("LLMC_MANAGEMENT_PORT").get("value"));
        }
        Map<String, Object> gpuNode = production.container("Deployment", "llmc-gpu-node");
        assertEquals("/health/readiness", at(gpuNode, "readinessProbe", "httpGet", "path"));
        assertEquals("/health/liveness", at(gpuNode, "livenessProbe", "httpGet", "path"));
    }

    @Test
    void everyEnvironmentVariableIsAKeyOfTheConfigurationTables() throws IOException {
        Set<String> gatewayKeys = environmentNames(Path.of("../docs/configuration.md"));
        Set<String> gpuNodeKeys = environmentNames(Path.of("../gpu-node/README.md"));
        for (RenderedChart chart : List.of(defaults, production)) {
            for (String name : env(chart.container("Deployment", "llmc-gateway")).keySet()) {
                assertTrue(gatewayKeys.contains(name), name + " is not in docs/configuration.md's table");
            }
            for (String name : env(chart.container("CronJob", "llmc-train")).keySet()) {
                assertTrue(gatewayKeys.contains(name), name + " is not in docs/configuration.md's table");
            }
        }
        for (String name : env(production.container("Deployment", "llmc-gpu-node")).keySet()) {
            assertTrue(gpuNodeKeys.contains(name), name + " is not in gpu-node/README.md's configuration table");
        }
    }

    @Test
    void secretsAreReferencedFromTheNamedSecretNeverInlined() {
        assertFalse(defaults.kinds().contains("Secret"));
        assertFalse(production.kinds().contains("Secret"));
        Map<String, Map<String, Object>> gateway = env(production.container("Deployment", "llmc-gateway"));
        for (String name : SECRET_VARIABLES) {
            assertNull(gateway.get(name).get("value"), name + " must not be inlined");
            assertEquals(Map.of("name", "llmc-prod-secrets", "key", name), at(gateway.get(name), "valueFrom", "secretKeyRef"));
        }
        // Production's Redis URL carries a password, so it comes from the Secret too.
        assertEquals(Map.of("name", "llmc-prod-secrets", "key", "LLMC_REDIS_URL"),
                at(gateway.get("LLMC_REDIS_URL"), "valueFrom", "secretKeyRef"));
        assertEquals("redis://redis:6379", env(defaults.container("Deployment", "llmc-gateway")).get("LLMC_REDIS_URL").get("value"));
        Map<String, Map<String, Object>> training = env(production.container("CronJob", "llmc-train"));
        assertEquals(Map.of("name", "llmc-prod-secrets", "key", "LLMC_DATABASE_PASSWORD"),
                at(training.get("LLMC_DATABASE_PASSWORD"), "valueFrom", "secretKeyRef"));
    }

    @Test
    void externalDatabaseAndRedisUrlsComeFromValues() {
        Map<String, Map<String, Object>> gateway = env(production.container("Deployment", "llmc-gateway"));
        assertEquals("jdbc:postgresql://llmc.abc123.eu-west-1.rds.amazonaws.com:5432/llmc?sslmode=require",
                gateway.get("LLMC_DATABASE_URL").get("value"));
        assertEquals("false", gateway.get("LLMC_EMBEDDED_ENABLED").get("value"));
        assertEquals("3", gateway.get("LLMC_ROUTING_TOP_K").get("value"));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("database.url", "")));
        assertTrue(missing.getMessage().contains("database.url"), missing.getMessage());
    }

    @Test
    void valuesThatWouldOnlyFailInThePodAreRefusedAtRenderTimeNamingTheField() {
        IllegalStateException mode = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("gateway.encoder.mode", "gpu")));
        assertTrue(mode.getMessage().contains("gateway.encoder.mode"), mode.getMessage());
        IllegalStateException env = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("gateway.env.routing_top_k", "3")));
        assertTrue(env.getMessage().contains("routing_top_k"), env.getMessage());
        IllegalStateException remote = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("gateway.encoder.mode", "remote")));
        assertTrue(remote.getMessage().contains("gpuNode.enabled"), remote.getMessage());
    }

    @Test
    void gpuNodeGetsGpusNodeSelectorAndTolerationsFromValuesAndTheGatewayEncodesThere() {
        Map<String, Object> gpuNode = production.container("Deployment", "llmc-gpu-node");
        assertEquals(Integer.valueOf(1), RenderedChart.<Integer>at(gpuNode, "resources", "limits", "nvidia.com/gpu"));
        assertEquals("gpu", env(gpuNode).get("LLMC_ENCODER_DEVICE").get("value"));
        Map<String, Object> podSpec = production.podSpec("Deployment", "llmc-gpu-node");
        assertEquals(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"), podSpec.get("nodeSelector"));
        assertEquals(List.of(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule")), podSpec.get("tolerations"));
        List<Map<String, Object>> servicePorts = at(production.get("Service", "llmc-gpu-node"), "spec", "ports");
        assertEquals(9090, servicePorts.getFirst().get("port"));

        Map<String, Map<String, Object>> gateway = env(production.container("Deployment", "llmc-gateway"));
        assertEquals("remote", gateway.get("LLMC_ENCODER_MODE").get("value"));
        assertEquals("http://llmc-gpu-node:9090", gateway.get("LLMC_ENCODER_URL").get("value"));
        assertEquals("minilm", gateway.get("LLMC_ENCODER_MODEL").get("value"));
        assertEquals("in-process", env(defaults.container("Deployment", "llmc-gateway")).get("LLMC_ENCODER_MODE").get("value"));
    }

    @Test
    void trainingCronJobRunsLlmcToolsTrainFromTheToolsImageOnTheConfiguredSchedule() {
        Map<String, Object> cronJob = production.get("CronJob", "llmc-train");
        assertEquals("30 2 * * *", at(cronJob, "spec", "schedule"));
        assertEquals("Forbid", at(cronJob, "spec", "concurrencyPolicy"));
        Map<String, Object> train = production.container("CronJob", "llmc-train");
        assertEquals("registry.example.com/llmc/tools:0.1.0", train.get("image"));
        assertEquals(null, train.get("command"), "the image's entry point is llmc-tools");
        assertEquals(List.of("train", "--epochs", "5"), train.get("args"));
        assertEquals(List.of("train"), defaults.container("CronJob", "llmc-train").get("args"));
        assertEquals(Set.of("LLMC_DATABASE_URL", "LLMC_DATABASE_USER", "LLMC_DATABASE_PASSWORD"), env(train).keySet());
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootFilesystemWithoutAKubernetesToken() {
        for (String[] workload : new String[][]{{"Deployment", "llmc-gateway"}, {"Deployment", "llmc-gpu-node"}, {"CronJob", "llmc-train"}}) {
            Map<String, Object> podSpec = production.podSpec(workload[0], workload[1]);
            assertEquals(false, podSpec.get("automountServiceAccountToken"), workload[1]);
            assertEquals(true, at(podSpec, "securityContext", "runAsNonRoot"), workload[1]);
            assertEquals(65532, (int) at(podSpec, "securityContext", "runAsUser"), workload[1]);
            Map<String, Object> container = production.container(workload[0], workload[1]);
            assertEquals(true, at(container, "securityContext", "readOnlyRootFilesystem"), workload[1]);
            List<Map<String, Object>> mounts = at(container, "volumeMounts");
            assertTrue(mounts.stream().anyMatch(mount -> "/tmp".equals(mount.get("mountPath"))), workload[1] + " has no writable /tmp");
        }
    }

    /** Environment variable names of the {@code | `llmc.x.y` |} rows of a configuration table. */
    private static Set<String> environmentNames(Path readme) throws IOException {
        Matcher key = Pattern.compile("(?m)^\\| `(llmc\\.[a-z0-9.-]+)` \\|").matcher(Files.readString(readme));
        return key.results().map(match -> match.group(1).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
                .collect(Collectors.toSet());
    }
}
