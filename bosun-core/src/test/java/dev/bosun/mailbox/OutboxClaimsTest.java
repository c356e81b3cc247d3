package dev.bosun.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxClaimsTest {
    @TempDir
    Path dataDir;

    Workspace ws;
    OutboxClaims claims;

    @BeforeEach
    void setUp() throws IOException {
        ws = Workspaces.create(dataDir, "s1");
        claims = new OutboxClaims(ws);
    }

    private Path out(String name, String content) throws IOException {
        return Files.writeString(ws.outbox().resolve(name), content);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path claimedDir() {
        return ws.internal().resolve("claimed");
    }

    @Test
    void claimsJsonFilesInNameOrderAndIgnoresEverythingElse(@TempDir Path outside) throws Exception {
        out("b.json", "{}");
        out("a.json", "{}");
        out("c.json", "{}");
        out("d.json.tmp", "{}");
        out("e.tmp", "{}");
        out("notes.txt", "{}");
        out("json", "{}");
        Files.createDirectory(ws.outbox().resolve("0-dir.json"));
        Files.createSymbolicLink(
                ws.outbox().resolve("0-link.json"), Files.writeString(outside.resolve("secret"), "{}"));

        List<ClaimedFile> batch = claims.claimBatch(10);

        assertThat(batch).extracting(ClaimedFile::originalName).containsExactly("a.json", "b.json", "c.json");
        assertThat(batch)
                .extracting(ClaimedFile::claimKey)
                .isSorted()
                .doesNotHaveDuplicates()
                .allMatch(k -> k.matches("[0-9A-Z]{26}__[abc]\\.json"));
        for (ClaimedFile f : batch) {
            assertThat(f.path()).isEqualTo(claimedDir().resolve(f.claimKey())).isRegularFile();
            assertThat(f.claimKey()).endsWith("__" + f.originalName());
        }
        assertThat(names(ws.outbox()))
                .containsExactly("0-dir.json", "0-link.json", "d.json.tmp", "e.tmp", "json", "notes.txt");
        assertThat(outside.resolve("secret")).exists();
    }

    @Test
    void takesAtMostMaxAndTheRestNextTime() throws Exception {
        for (String n : List.of("3.json", "1.json", "5.json", "2.json", "4.json")) out(n, "{}");

        List<ClaimedFile> first = claims.claimBatch(2);
        for (ClaimedFile f : first) claims.done(f);
        List<ClaimedFile> second = claims.claimBatch(2);
        for (ClaimedFile f : second) claims.done(f);
        List<ClaimedFile> third = claims.claimBatch(2);
        for (ClaimedFile f : third) claims.done(f);

        assertThat(first).extracting(ClaimedFile::originalName).containsExactly("1.json", "2.json");
        assertThat(second).extracting(ClaimedFile::originalName).containsExactly("3.json", "4.json");
        assertThat(third).extracting(ClaimedFile::originalName).containsExactly("5.json");
        assertThat(third.getFirst().claimKey()).isGreaterThan(second.getLast().claimKey());
        assertThat(claims.claimBatch(2)).isEmpty();
    }

    @Test
    void emptyOrMissingOutboxGivesAnEmptyBatch() throws Exception {
        assertThat(claims.claimBatch(5)).isEmpty();
        Files.delete(ws.outbox());
        assertThat(claims.claimBatch(5)).isEmpty();
    }

    @Test
    void refusesToListAnOutboxReplacedByALink(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("host.json"), "{}");
        Files.delete(ws.outbox());
        Files.createSymbolicLink(ws.outbox(), outside);

        assertThatThrownBy(() -> claims.claimBatch(5)).isInstanceOf(IOException.class);
        assertThat(outside.resolve("host.json")).exists();
    }

    @Test
    void doneDeletesTheClaimedFile() throws Exception {
        out("a.json", "{}");
        ClaimedFile f = claims.claimBatch(1).getFirst();

        claims.done(f);
        claims.done(f); // idempotent

        assertThat(f.path()).doesNotExist();
        assertThat(names(claimedDir())).isEmpty();
    }

    @Test
    void filesNotDoneAreReturnedFirstByTheNextBatch() throws Exception {
        out("a.json", "{\"n\":1}");
        out("b.json", "{\"n\":2}");
        List<ClaimedFile> first = claims.claimBatch(10);
        out("0-new.json", "{\"n\":3}"); // sorts before a and b, but was claimed later

        List<ClaimedFile> again = claims.claimBatch(10);

        assertThat(again).extracting(ClaimedFile::originalName).containsExactly("a.json", "b.json", "0-new.json");
        assertThat(again.subList(0, 2)).isEqualTo(first);
    }

    @Test
    void afterACrashLeftoverClaimsComeFirstInClaimOrderEvenIfTheClockWentBack() throws Exception {
        Clock late = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        OutboxClaims before = new OutboxClaims(ws, late);
        out("x.json", "{}");
        out("y.json", "{}");
        List<ClaimedFile> beforeCrash = before.claimBatch(10);
        out("a.json", "{}");
        out("b.json", "{}");
        out("c.json", "{}");

        // restart: a new instance, with a clock that is now behind the leftover claims
        Clock early = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC);
        OutboxClaims after = new OutboxClaims(ws, early);
        List<ClaimedFile> batch = after.claimBatch(3);

        assertThat(batch).extracting(ClaimedFile::originalName).containsExactly("x.json", "y.json", "a.json");
        assertThat(batch.subList(0, 2)).isEqualTo(beforeCrash);
        // a's claim is not yet done; the next batch still returns it before b and c
        List<ClaimedFile> next = after.claimBatch(10);
        assertThat(next)
                .extracting(ClaimedFile::originalName)
                .containsExactly("x.json", "y.json", "a.json", "b.json", "c.json");
        assertThat(names(claimedDir())).isSorted().hasSize(5);
        assertThat(next).extracting(ClaimedFile::claimKey).isSorted();
    }

    @Test
    void leftoversAloneCanFillABatch() throws Exception {
        out("a.json", "{}");
        out("b.json", "{}");
        claims.claimBatch(10);
        out("c.json", "{}");

        assertThat(claims.claimBatch(1)).extracting(ClaimedFile::originalName).containsExactly("a.json");
        assertThat(ws.outbox().resolve("c.json")).exists();
    }

    @Test
    void theWorkerCanReuseANameRightAfterItIsClaimed() throws Exception {
        out("reply.json", "{\"n\":1}");
        ClaimedFile first = claims.claimBatch(10).getFirst();
        out("reply.json", "{\"n\":2}");
        ClaimedFile second = claims.claimBatch(10).getLast();

        assertThat(second.originalName()).isEqualTo("reply.json");
        assertThat(second.claimKey()).isNotEqualTo(first.claimKey());
        assertThat(first.path()).hasContent("{\"n\":1}");
        assertThat(second.path()).hasContent("{\"n\":2}");
    }

    @Test
    void rejectMovesAsideAndAddsASuffixOnCollision() throws Exception {
        out("big.json", "1");
        String first = claims.reject(claims.claimBatch(1).getFirst());
        out("big.json", "2");
        String second = claims.reject(claims.claimBatch(1).getFirst());
        out("big.json", "3");
        String third = claims.reject(claims.claimBatch(1).getFirst());

        assertThat(List.of(first, second, third))
                .containsExactly("rejected/big.json", "rejected/big.1.json", "rejected/big.2.json");
        Path rejected = ws.internal().resolve("rejected");
        assertThat(rejected.resolve("big.json")).hasContent("1");
        assertThat(rejected.resolve("big.1.json")).hasContent("2");
        assertThat(rejected.resolve("big.2.json")).hasContent("3");
        assertThat(names(claimedDir())).isEmpty();
        assertThat(claims.claimBatch(5)).isEmpty();
    }

    @Test
    void refusesFilesItDidNotClaim() throws Exception {
        Path elsewhere = out("a.json", "{}");
        ClaimedFile forged = new ClaimedFile("a.json", "01ARZ3NDEKTSV4RRFFQ69G5FAV__a.json", elsewhere);

        assertThatThrownBy(() -> claims.done(forged)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> claims.reject(forged)).isInstanceOf(IllegalArgumentException.class);
        assertThat(elsewhere).exists();
    }

    @Test
    void overLongNamesAreShortenedToFitTheClaimedName() throws Exception {
        String longName = "é".repeat(120) + ".json"; // 245 bytes: fits the outbox, not with a 28-byte prefix
        out(longName, "{}");

        ClaimedFile f = claims.claimBatch(1).getFirst();

        assertThat(f.originalName()).endsWith(".json").startsWith("ééé");
        assertThat(f.originalName().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(200);
        assertThat(f.path()).hasContent("{}");
    }

    @Test
    void aNonRegularEntryFoundInClaimedIsMovedAside() throws Exception {
        Files.createDirectory(claimedDir().resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV__odd.json"));
        out("a.json", "{}");

        assertThat(claims.claimBatch(5)).extracting(ClaimedFile::originalName).containsExactly("a.json");
        assertThat(ws.internal().resolve("rejected/odd.json")).isDirectory();
    }

    @Test
    void maxMustBePositive() {
        assertThatThrownBy(() -> claims.claimBatch(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
