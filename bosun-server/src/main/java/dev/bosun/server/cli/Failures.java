package dev.bosun.server.cli;

import dev.bosun.client.BosunClientException;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr, {@code bosun: CODE: message}, and an exit code that means
 * something; no stack traces. Usage errors found by picocli (an unknown option, a missing argument)
 * get the same one line as INVALID_ARGUMENT instead of picocli's full usage text, which would bury
 * the error in a script's log.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static int exitCode(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT, UNSUPPORTED_MEDIA_TYPE, URI_TOO_LONG, HEADERS_TOO_LARGE -> 2;
            case NOT_FOUND -> 3;
            case CONFLICT, NO_CAPABLE_AGENT, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_PROGRESS -> 4;
            case UNAUTHENTICATED, FORBIDDEN -> 5;
            case LIMIT_REACHED, PAYLOAD_TOO_LARGE -> 6;
            case SESSIONS_DISABLED -> 7;
            case UNAVAILABLE, INSUFFICIENT_STORAGE, INTERNAL -> 1;
        };
    }

    /** The same exit code for the client's error as for the library's of the same code (the codes are one set). */
    static int exitCode(dev.bosun.wire.ErrorCode code) {
        return exitCode(ErrorCode.valueOf(code.name()));
    }

    static int exitCode(Throwable t) {
        if (t instanceof CommandLine.ParameterException) return exitCode(ErrorCode.INVALID_ARGUMENT);
        if (t instanceof BosunClientException c) return exitCode(c.code());
        return t instanceof BosunException b ? exitCode(b.code()) : 1;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof BosunException b) {
            cmd.getErr().println("bosun: " + b.code() + ": " + oneLine(b.getMessage()));
            return exitCode(b.code());
        }
        if (ex instanceof BosunClientException c) {
            cmd.getErr().println("bosun: " + c.code() + ": " + oneLine(c.getMessage()));
            return exitCode(c.code());
        }
        // Not one of ours, so a bug: the class name is the most useful single line to report.
        cmd.getErr().println("bosun: " + ErrorCode.INTERNAL + ": " + oneLine(String.valueOf(ex)));
        return 1;
    }

    /** Messages from Jackson, picocli or the OS may span lines; a failure is reported on one. */
    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        // Some picocli messages (argument groups) start with their own "Error: ", which would read twice.
        String message = oneLine(String.valueOf(ex.getMessage())).replaceFirst("^Error: ", "");
        cmd.getErr()
                .println("bosun: " + ErrorCode.INVALID_ARGUMENT + ": " + message + " (see '"
                        + cmd.getCommandSpec().qualifiedName() + " --help')");
        return exitCode(ErrorCode.INVALID_ARGUMENT);
    }
}
