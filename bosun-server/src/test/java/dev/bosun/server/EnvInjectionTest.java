package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.FaultLedger;
import dev.bosun.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The env-injection table: a session request cannot set a variable that changes how a program loads
 * or starts, for any runtime, even when its profile's {@code env_allow} covers the name; and a real
 * {@code BASH_ENV} injection into a bash worker no longer runs anything.
 */
@Tag("faults")
class EnvInjectionTest extends ServerHarness {
    /** Every name is refused with {@code env_startup}; the table is written out here, not read from the code. */
    static final List<String> DANGEROUS = List.of(
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "LD_DEBUG_OUTPUT",
            "ld_preload",
            "DYLD_INSERT_LIBRARIES",
            "GCONV_PATH",
            "LOCPATH",
            "NLSPATH",
            "GETCONF_DIR",
            "MALLOC_CHECK_",
            "MALLOC_ARENA_MAX",
            "GLIBC_TUNABLES",
            "TZDIR",
            "HOSTALIASES",
            "RES_OPTIONS",
            "LOCALDOMAIN",
            "BASH_ENV",
            "ENV",
            "BASH_FUNC_x",
            "SHELLOPTS",
            "BASHOPTS",
            "PS4",
            "PS1",
            "PROMPT_COMMAND",
            "IFS",
            "CDPATH",
            "GLOBIGNORE",
            "FPATH",
            "ZDOTDIR",
            "BASH_XTRACEFD",
            "PATH",
            "HOME",
            "SHELL",
            "TMPDIR",
            "XDG_CONFIG_HOME",
            "EDITOR",
            "PAGER",
            "LESSOPEN",
            "SSH_ASKPASS",
            "GIT_SSH_COMMAND",
            "GIT_CONFIG_GLOBAL",
            "SUDO_ASKPASS",
            "PYTHONPATH",
            "PYTHONSTARTUP",
            "PYTHONHOME",
            "PYTHONBREAKPOINT",
            "PYTHONWARNINGS",
            "PIP_INDEX_URL",
            "PERL5LIB",
            "PERLLIB",
            "PERL5OPT",
            "PERL5DB",
            "NODE_OPTIONS",
            "NODE_PATH",
            "NODE_EXTRA_CA_CERTS",
            "npm_config_prefix",
            "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "CLASSPATH",
            "MAVEN_OPTS",
            "RUBYOPT",
            "RUBYLIB",
            "GEM_PATH",
            "GEM_HOME",
            "BUNDLE_GEMFILE",
            "LUA_INIT",
            "PHPRC",
            "R_PROFILE",
            "TCLLIBPATH",
            "SSL_CERT_FILE",
            "OPENSSL_CONF",
            "HTTPS_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "GIO_EXTRA_MODULES",
            "TERMINFO");

    @TempDir
    Path markers;

    /** Covers every name (but BOSUN_*): the allowlist lets all through, so the startup rule alone refuses. */
    static List<String> allowEverything() {
        var all = new ArrayList<String>(List.of("_*"));
        for (char c = 'A'; c <= 'Z'; c++) all.add(c == 'B' ? "BA*" : c + "*");
        for (char c = 'a'; c <= 'z'; c++) all.add(c + "*");
        return all;
    }

    private void startWith(Map<String, Object> profiles) {
        start(l -> l.set("profiles", profiles));
    }

    private static Map<String, Object> profile(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private Res create(String profile, Map<String, String> env) {
        var body = Json.object().put("name", "x").put("agent_id", "a").put("profile", profile);
        var vars = body.putObject("sandbox").putObject("env");
        env.forEach(vars::put);
        FaultLedger.inputs(1);
        return post("/v1/sessions", Json.write(body));
    }

    private void refused(Res r, String field, String rule) {
        assertThat(r.status()).as(field + ": " + r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.json().at("/error/details/field").asText()).as(r.text()).isEqualTo(field);
        assertThat(r.json().at("/error/details/rule").asText()).as(r.text()).isEqualTo(rule);
    }

    @Test
    void everyStartupVariableIsRefusedForEveryRuntimeEvenWhenTheProfileAllowsItsName() {
        List<String> everything = allowEverything();
        startWith(Map.of(
                "proc",
                        profile(
                                "runtime",
                                "process",
                                "command",
                                List.of("bash", "-c", "sleep 30"),
                                "env_allow",
                                everything),
                "jail",
                        profile(
                                "runtime",
                                "bwrap",
                                "command",
                                List.of("/bin/sh", "-c", "sleep 30"),
                                "env_allow",
                                everything),
                "agent",
                        profile(
                                "runtime",
                                "docker",
                                "image",
                                "agent:1",
                                "command",
                                List.of("sh", "-c", "sleep 30"),
                                "env_allow",
                                everything),
                "strict", profile("command", List.of("sh", "-c", "sleep 30"))));
        int tried = 0;
        for (String runtime : List.of("proc", "jail", "agent")) {
            for (String name : DANGEROUS) {
                Res r = create(runtime, Map.of(name, "$(touch " + markers.resolve(name) + ")"));
                refused(r, "sandbox.env." + name, "env_startup");
                assertThat(r.json().at("/error/message").asText()).contains("changes how a program loads or starts");
                tried++;
            }
            // Names with '=' or NUL, values with NUL or a newline that would forge a second variable.
            refused(create(runtime, Map.of("A=B", "x")), "sandbox.env.A=B", "env_name");
            refused(create(runtime, Map.of("A\0B", "x")), "sandbox.env.A?B", "env_name");
            refused(create(runtime, Map.of("MODE", "a\0b")), "sandbox.env.MODE", "env_value");
            refused(create(runtime, Map.of("MODE", "a\nLD_PRELOAD=/x.so")), "sandbox.env.MODE", "env_value");
        }
        refused(create("strict", Map.of("MODE", "fast")), "sandbox.env.MODE", "env_allowlist");
        assertThat(tried).isEqualTo(3 * DANGEROUS.size());
        assertThat(get("/v1/sessions").json().get("items"))
                .as("nothing was created")
                .isEmpty();
        assertThat(markers.toFile().list()).as("nothing ran").isEmpty();
    }

    /**
     * The attack as it was made: {@code BASH_ENV='$(cmd)'} under a {@code process} profile running bash.
     * The operator setting the same value in the profile shows that bash does run it in this setup;
     * the tenant's request for it is refused, and a session of the same profile started afterwards
     * runs bash to its end without the tenant's command having run.
     */
    @Test
    void aBashEnvInjectionNoLongerRunsAnything() {
        Path operatorMarker = markers.resolve("operator-ran");
        Path tenantMarker = markers.resolve("tenant-ran");
        String reply = "echo '{\"done\":true}' > \"$BOSUN_OUTBOX/done.json\"; sleep 30";
        startWith(Map.of(
                "hooked",
                        profile(
                                "command",
                                List.of("bash", "-c", reply),
                                "env",
                                Map.of("BASH_ENV", "$(touch " + operatorMarker + ")")),
                "bash", profile("command", List.of("bash", "-c", reply), "env_allow", allowEverything())));

        String control = createSession("{\"name\":\"control\",\"agent_id\":\"a\",\"profile\":\"hooked\"}");
        awaitOut(control);
        assertThat(operatorMarker)
                .as("bash runs BASH_ENV's command substitution here")
                .exists();

        Res attack = create("bash", Map.of("BASH_ENV", "$(touch " + tenantMarker + ")"));
        refused(attack, "sandbox.env.BASH_ENV", "env_startup");

        String plain = createSession(
                "{\"name\":\"plain\",\"agent_id\":\"a\",\"profile\":\"bash\",\"sandbox\":{\"env\":{\"MODE\":\"$(touch "
                        + tenantMarker + ")\"}}}");
        awaitOut(plain);
        assertThat(tenantMarker)
                .as("neither the refused BASH_ENV nor an ordinary variable's value ran")
                .doesNotExist();
    }

    private void awaitOut(String session) {
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> get("/v1/sessions/" + session + "/events?after=0")
                                .json()
                                .get("events")
                                .findValues("direction")
                                .stream()
                                .anyMatch(d -> d.asText().equals("out")));
    }
}
