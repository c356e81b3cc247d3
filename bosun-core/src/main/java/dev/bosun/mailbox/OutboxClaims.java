package dev.bosun.mailbox;

import dev.bosun.id.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes files out of one workspace's outbox for ingestion. The caller (the session manager) runs a
 * loop per workspace:
 *
 * <pre>{@code
 * for (ClaimedFile f : claims.claimBatch(100)) {
 *     switch (f.read(maxBytes)) {
 *         case OutboxItem.Message m -> { store.append(..., m.eventType(), m.payload(), f.claimKey()); claims.done(f); }
 *         case OutboxItem.TooLarge t -> { String where = claims.reject(f); store.append(... error naming where ...); }
 *     }
 * }
 * }</pre>
 *
 * <p>Claiming renames the file into {@code .bosun/claimed/<ULID>__<name>} before anything is read.
 * The worker may then reuse the name at once, and the claim key names this one file instance, so
 * committing with the key as idempotency key and deleting afterwards never loses or duplicates an
 * event, whichever step a crash interrupts: files still in {@code claimed/} are returned again,
 * first and in claim order, by the next {@link #claimBatch}. The same holds when the commit fails:
 * the file simply stays claimed until a later batch.
 *
 * <p>Methods of one instance are serialized; use one instance per workspace and one ingesting
 * thread per workspace, or a second batch may return files the first is still working on (the
 * claim key still keeps the store free of duplicates).
 */
public final class OutboxClaims {
    private static final Logger log = LoggerFactory.getLogger(OutboxClaims.class);
    private static final Pattern CLAIMED_NAME = Pattern.compile("([0-9A-HJKMNP-TV-Z]{26})__(.+)");
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    /** Longest original name kept in a claimed name, in UTF-8 bytes: 26 + 2 + this stays under 255. */
    static final int MAX_NAME_BYTES = 200;

    private final Workspace ws;
    private final Path claimed;
    private final Path rejected;
    private final Ids ids;

    /** Claims for {@code ws}, creating {@code .bosun/claimed/} and {@code .bosun/rejected/} if missing. */
    public OutboxClaims(Workspace ws) throws IOException {
        this(ws, Clock.systemUTC());
    }

    /** As {@link #OutboxClaims(Workspace)}, with the clock that times claim keys (tests pin it). */
    public OutboxClaims(Workspace ws, Clock clock) throws IOException {
        this.ws = ws;
        this.claimed = ws.internal().resolve(Workspaces.CLAIMED);
        this.rejected = ws.internal().resolve(Workspaces.REJECTED);
        realDirectory(ws.internal(), true);
        realDirectory(claimed, true);
        realDirectory(rejected, true);
        // Claim order must equal name order in claimed/ even if the clock went back across a
        // restart that left files there: new ULIDs start after the newest one present. A fresh
        // generator picks new random bits, so sharing that one's millisecond is not enough.
        long floor = leftovers().stream()
                .mapToLong(f -> ulidMillis(f.claimKey().substring(0, 26)) + 1)
                .max()
                .orElse(0);
        this.ids = new Ids(atLeast(clock, floor));
    }

    /**
     * Returns up to {@code max} files to ingest: first files already in {@code claimed/} (left by a
     * crash or a failed commit), in claim order; then newly claimed {@code outbox/*.json} files in
     * name order. Only regular files whose name ends in {@code .json} are taken; {@code *.tmp},
     * directories, symbolic links and other names stay where they are.
     */
    public synchronized List<ClaimedFile> claimBatch(int max) throws IOException {
        if (max < 1) throw new IllegalArgumentException("max must be at least 1: " + max);
        List<ClaimedFile> batch = new ArrayList<>(leftovers());
        if (batch.size() >= max) return List.copyOf(batch.subList(0, max));
        for (String name : oldestOutboxNames(max - batch.size())) {
            Path source = ws.outbox().resolve(name);
            String original = shorten(name);
            String key = ids.nextUlid() + "__" + original;
            Path target = claimed.resolve(key);
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                continue; // the worker took it back between listing and claiming
            }
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                // It was swapped for a link or directory after it was listed.
                log.warn(
                        "outbox entry {} in {} is not a regular file; moved to {}",
                        name,
                        ws.relative(),
                        moveAside(target, original));
                continue;
            }
            batch.add(new ClaimedFile(original, key, target));
        }
        return List.copyOf(batch);
    }

    /** Deletes a claimed file once its event is committed. */
    public synchronized void done(ClaimedFile file) throws IOException {
        requireClaimedHere(file);
        Files.deleteIfExists(file.path());
    }

    /**
     * Moves a claimed file that will not be ingested to {@code .bosun/rejected/}, under its original
     * name or, when that is taken, with a numeric suffix ({@code big.1.json}). Returns where it went
     * relative to {@code .bosun}, e.g. {@code rejected/big.json}, for the caller's error event.
     */
    public synchronized String reject(ClaimedFile file) throws IOException {
        requireClaimedHere(file);
        return moveAside(file.path(), file.originalName());
    }

    private List<ClaimedFile> leftovers() throws IOException {
        List<ClaimedFile> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(claimed)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                Matcher m = CLAIMED_NAME.matcher(name);
                if (!m.matches()) continue;
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    log.warn(
                            "claimed entry {} in {} is not a regular file; moved to {}",
                            name,
                            ws.relative(),
                            moveAside(p, m.group(2)));
                    continue;
                }
                found.add(new ClaimedFile(m.group(2), name, p));
            }
        }
        found.sort(Comparator.comparing(ClaimedFile::claimKey));
        return found;
    }

    /** The {@code limit} smallest eligible names in the outbox, sorted, without sorting all of it. */
    private List<String> oldestOutboxNames(int limit) throws IOException {
        if (!realDirectory(ws.outbox(), false)) return List.of();
        PriorityQueue<String> largestFirst = new PriorityQueue<>(Comparator.reverseOrder());
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(ws.outbox())) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".json")) continue;
                if (largestFirst.size() == limit && name.compareTo(largestFirst.peek()) >= 0) continue;
                // Checked before a file can take a place in the batch, so a stray directory or link
                // named like the oldest message cannot hold up every later file.
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (!a.isRegularFile()) continue;
                largestFirst.add(name);
                if (largestFirst.size() > limit) largestFirst.poll();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>(largestFirst);
        Collections.sort(names);
        return names;
    }

    private String moveAside(Path source, String originalName) throws IOException {
        for (int n = 0; ; n++) {
            String name = n == 0 ? originalName : withSuffix(originalName, n);
            try {
                // Not ATOMIC_MOVE: on Linux that silently replaces an existing target, and here the
                // existing target must be kept. Only Bosun writes rejected/, so check-then-rename is safe.
                Files.move(source, rejected.resolve(name));
                return Workspaces.REJECTED + "/" + name;
            } catch (FileAlreadyExistsException e) {
                // try the next suffix
            }
        }
    }

    private void requireClaimedHere(ClaimedFile file) {
        if (!claimed.equals(file.path().getParent())) {
            throw new IllegalArgumentException("not a file claimed from " + ws.relative() + ": " + file.claimKey());
        }
    }

    /**
     * True when {@code dir} is a real directory, false when it is missing (created first when
     * {@code create}); a link or other file is refused, since Bosun would otherwise follow the
     * worker's link to files elsewhere.
     */
    private boolean realDirectory(Path dir, boolean create) throws IOException {
        if (Files.isSymbolicLink(dir)
                || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
            throw new IOException(ws.relative() + "/" + ws.root().relativize(dir) + " is not a real directory");
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return true;
        if (!create) return false;
        Files.createDirectories(dir);
        Workspaces.restrict(dir);
        return true;
    }

    static String withSuffix(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "." + n + name.substring(dot) : name + "." + n;
    }

    /** Cuts over-long names (keeping {@code .json}) so the claimed name fits a file-name limit of 255 bytes. */
    static String shorten(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) return name;
        String stem = name.substring(0, name.length() - ".json".length());
        StringBuilder out = new StringBuilder();
        int bytes = ".json".length();
        for (int i = 0; i < stem.length(); ) {
            int cp = stem.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > MAX_NAME_BYTES) break;
            out.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return out + ".json";
    }

    static long ulidMillis(String ulid) {
        long millis = 0;
        for (int i = 0; i < 10; i++) millis = (millis << 5) | CROCKFORD.indexOf(ulid.charAt(i));
        return millis;
    }

    private static Clock atLeast(Clock clock, long floorMillis) {
        if (floorMillis <= 0) return clock;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return clock.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return atLeast(clock.withZone(zone), floorMillis);
            }

            @Override
            public long millis() {
                return Math.max(clock.millis(), floorMillis);
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis());
            }
        };
    }
}
