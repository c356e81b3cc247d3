package dev.bosun.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Environment variables that change how a program is loaded or starts: which code it runs, which
 * libraries or modules it loads, which commands it spawns, where its trust and its traffic go. A
 * session request may never set one, whatever its profile's {@code env_allow} says; only the operator
 * can, in the profile's own {@code env} (docs/DECISIONS.md D48).
 *
 * <p>Names are compared ignoring case: some programs read lower-case spellings ({@code http_proxy},
 * {@code npm_config_*}), and no legitimate request needs a variable that differs from one of these
 * only by case. The list cannot be complete (every program has knobs of its own); it backs up the
 * per-profile allowlist, which is the real control.
 */
public final class StartupVariables {
    /** One family of variables and why it is dangerous. */
    public record Family(String name, String why, List<String> exact, List<String> prefixes) {
        boolean matches(String upper) {
            return exact.contains(upper) || prefixes.stream().anyMatch(upper::startsWith);
        }

        /** Whether every name starting with {@code upperPrefix} is in this family. */
        boolean covers(String upperPrefix) {
            return prefixes.stream().anyMatch(upperPrefix::startsWith);
        }
    }

    /** Every family, in the order docs/CONFIG.md lists them. */
    public static final List<Family> FAMILIES = List.of(
            new Family(
                    "dynamic loader and C library",
                    "the loader and glibc load code or parse files they name (LD_PRELOAD, LD_AUDIT, iconv modules, "
                            + "locale and tz data, malloc and tunables: CVE-2023-4911)",
                    List.of("GCONV_PATH", "GETCONF_DIR", "LOCPATH", "NLSPATH", "GLIBC_TUNABLES", "TZDIR"),
                    List.of("LD_", "DYLD_", "MALLOC_")),
            new Family(
                    "name resolution",
                    "they redirect the resolver (host aliases, search domains, options)",
                    List.of("HOSTALIASES", "RES_OPTIONS", "LOCALDOMAIN"),
                    List.of()),
            new Family(
                    "shells",
                    "shells run or expand them at start (BASH_ENV, ENV, exported functions, xtrace's PS4, IFS)",
                    List.of(
                            "ENV",
                            "SHELLOPTS",
                            "BASHOPTS",
                            "PS1",
                            "PS2",
                            "PS3",
                            "PS4",
                            "PROMPT_COMMAND",
                            "IFS",
                            "CDPATH",
                            "GLOBIGNORE",
                            "EXECIGNORE",
                            "FPATH",
                            "ZDOTDIR",
                            "INPUTRC"),
                    List.of("BASH_")),
            new Family(
                    "program and file lookup",
                    "they choose which program runs and which configuration and dot files are read",
                    List.of("PATH", "HOME", "SHELL", "TMPDIR"),
                    List.of("XDG_")),
            new Family(
                    "commands run on a program's behalf",
                    "programs spawn the command they name (editors, pagers, askpass, less's input filters)",
                    List.of("EDITOR", "VISUAL", "PAGER", "MANPAGER", "BROWSER", "LESSOPEN", "LESSCLOSE"),
                    List.of("SSH_", "SUDO_", "GIT_")),
            new Family(
                    "Python",
                    "the interpreter imports and runs what they name (PYTHONPATH, PYTHONSTARTUP, "
                            + "PYTHONBREAKPOINT, PYTHONHOME); pip installs from where they say",
                    List.of(),
                    List.of("PYTHON", "PIP_")),
            new Family(
                    "Perl",
                    "perl loads modules and options from them (PERL5LIB, PERLLIB, PERL5OPT, PERL5DB)",
                    List.of(),
                    List.of("PERL")),
            new Family(
                    "Node.js",
                    "node loads modules and options from them (NODE_OPTIONS --require, NODE_PATH)",
                    List.of(),
                    List.of("NODE_", "NPM_CONFIG_")),
            new Family(
                    "Java",
                    "the JVM and its launchers take agents and class paths from them (-javaagent)",
                    List.of("CLASSPATH", "MAVEN_OPTS", "GRADLE_OPTS"),
                    List.of("JAVA_", "_JAVA_", "JDK_")),
            new Family(
                    "Ruby",
                    "ruby and gems load code from them (RUBYOPT -r, RUBYLIB, GEM_PATH, BUNDLE_GEMFILE)",
                    List.of(),
                    List.of("RUBY", "GEM_", "BUNDLE_")),
            new Family(
                    "other interpreters",
                    "Lua, PHP, R and Tcl run or load code they name (LUA_INIT, PHPRC, R_PROFILE)",
                    List.of("TCLLIBPATH"),
                    List.of("LUA_", "PHP", "R_")),
            new Family(
                    "TLS trust and proxies",
                    "they replace the certificates a program trusts or send its traffic (and the operator's "
                            + "credentials in it) through another host; OpenSSL loads engines from its config",
                    List.of(
                            "SSL_CERT_FILE",
                            "SSL_CERT_DIR",
                            "CURL_CA_BUNDLE",
                            "REQUESTS_CA_BUNDLE",
                            "HTTP_PROXY",
                            "HTTPS_PROXY",
                            "ALL_PROXY",
                            "NO_PROXY",
                            "FTP_PROXY"),
                    List.of("OPENSSL_")),
            new Family(
                    "plug-in paths",
                    "libraries load plug-ins and data they point to",
                    List.of("GIO_EXTRA_MODULES", "GI_TYPELIB_PATH", "QT_PLUGIN_PATH", "MAGIC", "KRB5_CONFIG"),
                    List.of("GST_PLUGIN", "GTK_", "TERMINFO")));

    private StartupVariables() {}

    /** The family {@code name} belongs to, ignoring case, or empty for an ordinary variable. */
    public static Optional<Family> of(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return FAMILIES.stream().filter(f -> f.matches(upper)).findFirst();
    }

    /** The family that every name starting with {@code prefix} belongs to, or empty when some do not. */
    public static Optional<Family> covering(String prefix) {
        String upper = prefix.toUpperCase(Locale.ROOT);
        return FAMILIES.stream().filter(f -> f.covers(upper)).findFirst();
    }
}
