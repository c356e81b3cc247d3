package dev.bosun.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import dev.bosun.sandbox.Availability;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bosun doctor}: is this machine ready to run Bosun, and if not, why. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Check the JDK, the config, the data dir, the store and every worker runtime.",
        footer = {
            "",
            "Examples:",
            "  bosun doctor",
            "  bosun doctor --config /etc/bosun.yaml --json",
            "",
            "Exits 8 when a check fails."
        })
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--json", description = "Print the checks as JSON.")
    boolean json;

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = {
                "A running Bosun server to ask how its relay finds",
                "  PLATO (default: $BOSUN_URL when set; key: $BOSUN_API_KEY)."
            })
    String server;

    record Check(String name, boolean ok, String detail) {}

    @Override
    public Integer call() {
        var checks = new ArrayList<Check>();
        int feature = Runtime.version().feature();
        checks.add(new Check(
                "jdk", feature >= 21, "Java " + Runtime.version() + (feature >= 21 ? "" : " (need 21 or newer)")));
        BosunConfig cfg = null;
        try {
            cfg = configOptions.loader().load();
            checks.add(new Check("config", true, "valid"));
        } catch (BosunException e) {
            checks.add(new Check("config", false, e.getMessage()));
        }
        if (cfg != null) {
            checks.add(dataDirCheck(cfg.dataDir()));
            checks.add(cfg.store().shared() ? sharedStoreCheck(cfg) : storeCheck(cfg.dataDir()));
            if (cfg.tiles().sending()) {
                checks.add(platoCheck(cfg.tiles()));
                for (var p : dev.bosun.tile.PlatoCompatibility.problems(cfg.tiles())) {
                    checks.add(new Check(
                            "plato " + p.setting().replace('_', ' '),
                            !p.fatal(),
                            (p.fatal() ? "" : "warning: ") + p.message()));
                }
                String url = server != null ? server : System.getenv("BOSUN_URL");
                if (url != null && !url.isBlank()) checks.add(deliveryCheck(url, System.getenv("BOSUN_API_KEY")));
            }
            if (cfg.routing().remoteUrl().isPresent()) checks.add(RouterCheck.check(cfg));
        }
        var profiles = cfg == null ? java.util.Map.<String, dev.bosun.config.Profile>of() : cfg.profiles();
        for (var runtime : dev.bosun.server.Runtimes.all(
                cfg == null ? dev.bosun.config.ConfigLoader.defaults().load() : cfg)) {
            Availability a = runtime.availability();
            // A runtime no profile uses cannot fail the check; it is still reported, with why not.
            boolean needed = runtime.runtime().equals("process")
                    || profiles.values().stream().anyMatch(p -> p.runtime().equals(runtime.runtime()));
            checks.add(new Check(
                    "runtime " + runtime.runtime(),
                    a.usable() || !needed,
                    (a.usable() ? "usable: " : "not usable: ")
                            + a.detail()
                            + (needed || a.usable() ? "" : " (no profile uses it)")));
            if (a.usable() && runtime instanceof dev.bosun.sandbox.docker.DockerSandbox docker) {
                // Bosun never pulls: a profile whose images are missing fails every session it starts.
                profiles.values().stream()
                        .filter(p -> p.runtime().equals("docker"))
                        .flatMap(p -> p.isolation().images().stream())
                        .distinct()
                        .sorted()
                        .forEach(image -> {
                            Availability i = docker.image(image);
                            checks.add(new Check("image " + image, i.usable(), i.detail()));
                        });
            }
            runtime.close();
        }
        print(checks);
        return checks.stream().allMatch(Check::ok) ? 0 : 8;
    }

    /**
     * A doctor looks and leaves no trace: a data dir that does not exist yet is not made, only checked
     * to be makeable (its nearest existing ancestor is a writable directory).
     */
    private static Check dataDirCheck(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) {
            return new Check("data dir", false, dir + " cannot be created: " + existing + " is not a directory");
        }
        boolean writable = Files.isWritable(existing);
        if (!existing.equals(dir.toAbsolutePath())) {
            return new Check(
                    "data dir",
                    writable,
                    writable
                            ? dir + " does not exist yet; `bosun serve` creates it"
                            : dir + " does not exist and cannot be created: " + existing + " is not writable");
        }
        return new Check("data dir", writable, dir + (writable ? " is writable" : " is not writable"));
    }

    /** Opens an existing SQLite database to see that it answers; never creates one. */
    private static Check storeCheck(Path dir) {
        if (!Files.exists(dir.resolve(SqliteStore.FILE_NAME))) {
            return new Check(
                    "store",
                    true,
                    "no database in " + dir + " yet; `bosun serve` creates " + SqliteStore.FILE_NAME + " there");
        }
        try (var store = SqliteStore.open(dir)) {
            return new Check("store", store.healthy(), "SQLite " + store.file().getFileName() + " opens and answers");
        } catch (BosunException e) {
            if (e.getMessage().contains("another Bosun process")) {
                return new Check("store", true, "in use by a running Bosun server");
            }
            return new Check("store", false, e.getMessage());
        }
    }

    /**
     * Probes the shared database without opening a store: opening one would register this node id
     * anew and take the worker sessions of a server running with it.
     */
    private static Check sharedStoreCheck(BosunConfig cfg) {
        try {
            var url = dev.bosun.store.postgres.PgUrl.parse(cfg.store().url().orElseThrow());
            var problem = dev.bosun.store.postgres.PostgresStore.probe(url);
            return new Check(
                    "store",
                    problem.isEmpty(),
                    problem.orElse(url + " answers, schema version "
                            + dev.bosun.store.postgres.PostgresStore.schemaVersion() + " or older"));
        } catch (BosunException e) {
            return new Check("store", false, e.getMessage());
        }
    }

    /**
     * Whether the PLATO server answers, and takes Bosun's key: {@code GET /rooms} with the key, which
     * both deployed servers serve (plato-server only with a valid key, 401 otherwise). Nothing is
     * submitted. Down, tiles wait as pending and nothing is lost, but an operator wants to know; a
     * refused key pauses delivery until it is fixed.
     */
    static Check platoCheck(dev.bosun.config.TileSettings tiles) {
        java.net.URI url = tiles.platoUrl().orElseThrow();
        String where = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        var client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(3))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        try {
            var req = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url.toString().replaceAll("/+$", "") + "/rooms"))
                    .timeout(java.time.Duration.ofSeconds(5))
                    .GET();
            tiles.platoApiKey().ifPresent(k -> req.header("Authorization", "Bearer " + k));
            int status = client.send(req.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status == 401 || status == 403) {
                return new Check(
                        "plato",
                        false,
                        "PLATO at " + where + " refuses "
                                + (tiles.platoApiKey().isPresent()
                                        ? "plato_api_key"
                                        : "requests without a key (plato_api_key is not set)")
                                + " (HTTP " + status
                                + " to GET /rooms); tiles would pause until it is fixed");
            }
            return new Check(
                    "plato",
                    true,
                    "PLATO at " + where + " answers (HTTP " + status + " to GET /rooms); tiles go to "
                            + url.toString().replaceAll("/+$", "") + "/submit");
        } catch (java.net.ConnectException e) {
            return new Check(
                    "plato",
                    false,
                    "PLATO at " + where + " refused the connection; tiles wait as pending until it answers");
        } catch (java.net.http.HttpTimeoutException e) {
            return new Check(
                    "plato",
                    false,
                    "PLATO at " + where + " did not answer within 5 s; tiles wait as pending until it does");
        } catch (java.io.IOException e) {
            return new Check(
                    "plato",
                    false,
                    "PLATO at " + where + " cannot be reached (" + e.getClass().getSimpleName()
                            + "); tiles wait as pending until it answers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check("plato", false, "interrupted");
        }
    }

    /**
     * How a running server's relay finds PLATO ({@code plato} in {@code GET /v1/tiles}): a paused
     * PLATO (a refused key, a tile it fails on every time) fails the check with its cause.
     */
    static Check deliveryCheck(String serverUrl, String apiKey) {
        var client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(3))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        try {
            var req = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(serverUrl.replaceAll("/+$", "") + "/v1/tiles?limit=1"))
                    .timeout(java.time.Duration.ofSeconds(5))
                    .GET();
            if (apiKey != null && !apiKey.isBlank()) req.header("Authorization", "Bearer " + apiKey);
            var r = client.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            var body = r.statusCode() == 200 ? Json.parse(r.body()) : null;
            if (body == null || !body.has("plato")) {
                return new Check(
                        "plato delivery",
                        false,
                        "the server at " + serverUrl + " answered HTTP " + r.statusCode() + " to GET /v1/tiles"
                                + (r.statusCode() == 401 ? " (set BOSUN_API_KEY)" : ""));
            }
            var h = body.get("plato");
            String status = h.path("status").asText();
            String detail = "PLATO is " + status + " for the server at " + serverUrl
                    + (h.path("cause").isTextual() ? " (" + h.get("cause").asText() + ")" : "")
                    + (h.path("detail").isTextual() ? ": " + h.get("detail").asText() : "")
                    + (status.equals("paused") ? "; fix the cause, then POST /v1/tiles/resume" : "");
            return new Check("plato delivery", status.equals("up"), detail);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return new Check(
                    "plato delivery",
                    false,
                    "the server at " + serverUrl + " does not answer ("
                            + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check("plato delivery", false, "interrupted");
        }
    }

    private void print(List<Check> checks) {
        if (json) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            for (Check c : checks)
                a.addObject().put("check", c.name()).put("ok", c.ok()).put("detail", c.detail());
            System.out.println(Json.write(a));
            return;
        }
        for (Check c : checks) System.out.printf("%-4s %-16s %s%n", c.ok() ? "ok" : "FAIL", c.name(), c.detail());
    }
}
