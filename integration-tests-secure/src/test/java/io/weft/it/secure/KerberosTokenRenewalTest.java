package io.weft.it.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.it.secure.apps.CountWordsTwiceApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applications that outlive their first delegation tokens: HDFS tokens here live {@value SecureClusters#RENEW_MS} ms
 * unless renewed and at most {@value SecureClusters#MAX_MS} ms. Submitted with {@code --principal} and
 * {@code --keytab}, the driver obtains fresh tokens from the keytab login before the current ones expire and pushes
 * them to the executors; a second job that starts after the first tokens' maximum lifetime reads, shuffles and
 * writes HDFS with the pushed tokens.
 */
class KerberosTokenRenewalTest {

    private static final Logger LOG = LoggerFactory.getLogger(KerberosTokenRenewalTest.class);
    /** Longer than the tokens' maximum lifetime: the second job needs tokens obtained after the first job. */
    private static final long PAUSE_MS = SecureClusters.MAX_MS + 5_000;
    private static final Pattern UPDATES = Pattern.compile("received refreshed delegation tokens \\(update (\\d+)\\)");

    private static SecureClusters clusters;
    private static SecureYarn yarn;
    private static WeftOnSecureYarn weft;
    private static String input;

    @BeforeAll
    static void start() throws Exception {
        clusters = SecureClusters.get(SecureClusters.SHORT_LIVED);
        yarn = SecureYarn.start(clusters, "weft-kerberos-renewal");
        weft = new WeftOnSecureYarn(clusters, yarn);
        input = weft.writeInput(clusters.kdc.login("alice"), "/user/alice/words");
    }

    @AfterAll
    static void stop() {
        if (yarn != null) {
            yarn.close();
        }
    }

    private static List<String> withKeytab(String... program) {
        List<String> args = new ArrayList<>(List.of("--principal", clusters.kdc.principal("alice"), "--keytab",
                clusters.kdc.userKeytab("alice").getAbsolutePath()));
        args.addAll(List.of(program));
        return args;
    }

    /**
     * Cluster mode: the ApplicationMaster logs in from the keytab, which reached it privately (0600 in the staging
     * directory, an APPLICATION resource of the AM's container alone), refreshes the tokens and pushes them.
     */
    @Test
    void aClusterModeJobWithAKeytabRunsPastTheFirstTokensMaximumLifetime() throws Exception {
        UserGroupInformation alice = clusters.kdc.login("alice");
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<FileStatus> stagedKeytab = CompletableFuture.supplyAsync(() -> findStagedKeytab(alice,
                running));
        WeftOnSecureYarn.Result result;
        try {
            result = weft.submit(null, weft.args(withKeytab(CountWordsTwiceApp.class.getName(), input,
                    "/user/alice/renewal-cluster-1", String.valueOf(PAUSE_MS), "/user/alice/renewal-cluster-2")));
        } finally {
            running.set(false);
        }
        String logs = weft.logs(result.applicationId());
        assertThat(result.exit()).as(result.text() + logs).isZero();
        checkBothJobs(alice, "/user/alice/renewal-cluster");
        assertThat(logs).contains("as alice@" + clusters.kdc.realm() + " (refresh 3)");
        assertThat(maxUpdate(logs)).as(logs).isGreaterThanOrEqualTo(2);

        FileStatus staged = stagedKeytab.get();
        assertThat(staged).as("the keytab in the staging directory while the application ran").isNotNull();
        assertThat(staged.getPermission().toShort()).isEqualTo((short) 0600);
        assertThat(staged.getOwner()).isEqualTo("alice");
        // Localized as an APPLICATION resource (usercache/<user>/appcache/<app>/filecache), never PUBLIC
        // (<local dir>/filecache) or PRIVATE (usercache/<user>/filecache), and linked into the AM's container only.
        List<Path> localized = new ArrayList<>();
        for (Path dir : yarn.localDirs()) {
            localized.addAll(filesNamed(dir, "weft-login.keytab"));
        }
        LOG.info("keytab copies on the NodeManager: {}", localized);
        String app = result.applicationId();
        assertThat(localized).isNotEmpty().allSatisfy(path -> assertThat(path.toString())
                .contains("/usercache/alice/appcache/" + app + "/"));
        assertThat(localized).filteredOn(path -> path.toString().contains("/filecache/")).hasSize(1);
        assertThat(localized).filteredOn(path -> !path.toString().contains("/filecache/"))
                .allSatisfy(link -> assertThat(link.getParent().getFileName().toString()).endsWith("_000001"));
    }

    /**
     * Files of the given name under a NodeManager's local directory. The NodeManager may be writing or deleting
     * other files there at the same time (a container's launch script and its checksum), so a file that vanishes
     * while the tree is walked is skipped rather than failing the walk.
     */
    private static List<Path> filesNamed(Path dir, String name) throws java.io.IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file,
                    java.nio.file.attribute.BasicFileAttributes attributes) {
                if (file.getFileName().toString().equals(name)) {
                    found.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e)
                    throws java.io.IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found;
    }

    /** Client mode: the driver, here, refreshes the tokens from its keytab login and pushes them. */
    @Test
    void aClientModeJobWithAKeytabRunsPastTheFirstTokensMaximumLifetime() throws Exception {
        UserGroupInformation alice = clusters.kdc.login("alice");
        List<String> program = new ArrayList<>(List.of("--deploy-mode", "client"));
        program.addAll(withKeytab(CountWordsTwiceApp.class.getName(), input, "/user/alice/renewal-client-1",
                String.valueOf(PAUSE_MS), "/user/alice/renewal-client-2"));
        WeftOnSecureYarn.Result result = weft.submit(null, weft.args(program));
        assertThat(result.exit()).as(result.text()).isZero();
        checkBothJobs(alice, "/user/alice/renewal-client");
        String app = yarn.yarn.getResourceManager().getRMContext().getRMApps().keySet().stream()
                .map(Object::toString).sorted().reduce((a, b) -> b).orElseThrow();
        String logs = weft.logs(app);
        assertThat(maxUpdate(logs)).as(logs).isGreaterThanOrEqualTo(2);
    }

    /**
     * The control: the same program submitted from a Kerberos login without a keytab. Nothing replaces the submitted
     * tokens, so the work after the pause fails once they are past their maximum lifetime, with HDFS's own words:
     * the pause really outlives the tokens, and the keytab tests pass because of the refreshed ones.
     */
    @Test
    void withoutAKeytabTheWorkAfterTheTokensMaximumLifetimeFails() throws Exception {
        UserGroupInformation alice = clusters.kdc.login("alice");
        WeftOnSecureYarn.Result result = weft.submit(alice, weft.args(CountWordsTwiceApp.class.getName(), input,
                "/user/alice/no-keytab-1", String.valueOf(PAUSE_MS), "/user/alice/no-keytab-2"));
        String logs = weft.logs(result.applicationId());
        LOG.info("without a keytab:\n{}", result.text());
        assertThat(result.exit()).as(result.text()).isEqualTo(1);
        // The NameNode says "Token has expired" (or, once it dropped the token, "can't be found in cache").
        assertThat(result.text() + logs).containsPattern("Token\\s+has expired|token .* is expired"
                + "|token .* can't be found in cache");
        assertThat(logs).contains("the ResourceManager renews them until");
    }

    /**
     * Both outputs are right, and the second was written more than the tokens' maximum lifetime after the first:
     * the first job's tokens were issued before the first output, so none of them worked any more for the second.
     */
    private static void checkBothJobs(UserGroupInformation alice, String prefix) throws Exception {
        assertThat(weft.counts(alice, prefix + "-1")).isEqualTo(WeftOnSecureYarn.COUNTS);
        assertThat(weft.counts(alice, prefix + "-2")).isEqualTo(WeftOnSecureYarn.COUNTS);
        long first = weft.status(alice, prefix + "-1/_SUCCESS").getModificationTime();
        long second = weft.status(alice, prefix + "-2/_SUCCESS").getModificationTime();
        assertThat(second - first).isGreaterThan(SecureClusters.MAX_MS);
    }

    /** @return the highest update number any executor logged for a token push, 0 when none */
    private static int maxUpdate(String logs) {
        Matcher matcher = UPDATES.matcher(logs);
        int max = 0;
        while (matcher.find()) {
            max = Math.max(max, Integer.parseInt(matcher.group(1)));
        }
        return max;
    }

    /** Polls alice's staging directories for the keytab while {@code running}; its status, or null. */
    private static FileStatus findStagedKeytab(UserGroupInformation alice, AtomicBoolean running) {
        try {
            return alice.doAs((java.security.PrivilegedExceptionAction<FileStatus>) () -> {
                try (FileSystem fs = FileSystem.newInstance(clusters.uri, clusters.conf)) {
                    while (running.get()) {
                        FileStatus[] found = fs.globStatus(new org.apache.hadoop.fs.Path(
                                "/user/alice/.weft/staging/*/weft-login.keytab"));
                        if (found != null && found.length > 0) {
                            return found[0];
                        }
                        Thread.sleep(100);
                    }
                    return null;
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
