package dev.bosun.server;

import dev.bosun.config.BosunConfig;
import dev.bosun.sandbox.ProcessSandbox;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.bwrap.BwrapSandbox;
import dev.bosun.sandbox.docker.DockerSandbox;
import java.util.List;

/**
 * The worker runtimes the server offers besides the built-in {@code process}: {@code bwrap} and
 * {@code docker}. Both are registered whether or not they are usable here; a profile that needs an
 * unusable one fails its sessions with UNAVAILABLE and the reason, and {@code bosun doctor} says why.
 */
public final class Runtimes {
    private Runtimes() {}

    /** New instances of the isolating runtimes for {@code config}; the caller closes them. */
    public static List<Sandbox> isolating(BosunConfig config) {
        return List.of(
                new BwrapSandbox(), new DockerSandbox(config.sandbox().dockerSocket()).modelCache(config.modelCache()));
    }

    /** Every runtime, {@code process} first, for {@code bosun doctor}. */
    public static List<Sandbox> all(BosunConfig config) {
        var all = new java.util.ArrayList<Sandbox>();
        all.add(new ProcessSandbox());
        all.addAll(isolating(config));
        return all;
    }
}
