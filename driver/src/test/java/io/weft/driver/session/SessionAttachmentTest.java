package io.weft.driver.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.Poll;
import io.weft.planner.JobProperties;
import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attachment is and what it may choose, on a {@code local-cluster[2,1,512]} session in FAIR mode (as
 * {@code SessionMain} runs it; executor JVMs started once for the class): its scheduler pool is its own whatever
 * the program sets, and a connection that authenticates but never attaches neither counts nor lingers. Each test
 * starts a {@link SessionService} of its own (with real class-loader scopes) on the class's engine, and reads what
 * the scheduler saw through a {@link SchedulerListener}: the pool in each started job's {@link JobProperties} is
 * the pool its task sets are scheduled in.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionAttachmentTest {

    private static final long WAIT_MILLIS = SessionClients.WAIT_MILLIS;

    @TempDir
    static Path dir;

    private static WeftSession weft;
    private static DriverEngine engine;
    /** Every job the scheduler started, as it saw it (added on the scheduler thread). */
    private static final List<JobProperties> started = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("session-attachment-test").master("local-cluster[2,1,512]")
                .config("weft.scheduler.mode", "FAIR").getOrCreate();
        engine = (DriverEngine) weft.engine();
        engine.addSchedulerListener(new SchedulerListener() {
            @Override
            public void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
                started.add(properties);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (weft != null) {
            weft.close();
        }
    }

    private static SessionService startService(String name, Duration attachLimit) {
        return SessionService.start(engine, new EngineSessionScopes(engine), dir.resolve("jars-" + name).toFile(),
                attachLimit);
    }

    /** @return the pools of the started jobs with this description, in start order */
    private static List<String> poolsOf(String description) {
        return started.stream().filter(p -> description.equals(p.description())).map(JobProperties::pool).toList();
    }

    /** Connects and authenticates as a session client over a real socket, then says nothing. */
    private static Channel silentClient(SessionEndpoint endpoint, EventLoopGroup group) throws Exception {
        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(Channels.client(endpoint.clientSecret(), PeerRole.SESSION_CLIENT,
                        ChannelOptions.forClient().withEncryption(endpoint.encrypt()),
                        ctx -> authenticated.complete(null)))
                .connect(endpoint.host(), endpoint.port()).sync().channel();
        authenticated.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        return channel;
    }

    @Test
    void aProgramThatSetsItsOwnPoolStillRunsInItsAttachmentsPool() throws Exception {
        try (SessionService service = startService("pools", SessionService.DEFAULT_ATTACH_LIMIT);
                SessionClientEngine here = SessionClientEngine.connect(service.endpoint(), "here", Map.of(),
                        List.of())) {
            Path endpointFile = dir.resolve("session-pools");
            service.endpoint().writeTo(FileSystem.getLocal(new Configuration()),
                    new org.apache.hadoop.fs.Path(endpointFile.toString()));
            here.setLocalProperty(WeftSession.SCHEDULER_POOL, JobProperties.DEFAULT_POOL);
            here.setLocalProperty(WeftSession.JOB_DESCRIPTION, "here");
            assertThat(SessionServiceTest.tinyJob(here, 10)).isEqualTo(110);

            // A program in a JVM of its own names the first attachment's pool through WeftSession.setLocalProperty.
            Map<String, String> there = SessionClients.launch(endpointFile, dir, "pool", here.attachmentId(),
                    "there").await();
            assertThat(there.get("SUMS")).isEqualTo("{0=1683, 1=1717, 2=1650}");
            assertThat(there.get("COUNT")).isEqualTo("50");
            assertThat(there.get("POOL_AS_SET")).as("the program still reads back what it set")
                    .isEqualTo(here.attachmentId());
            assertThat(there.get("ATTACHED")).isNotEqualTo(here.attachmentId());

            assertThat(Poll.until(() -> poolsOf("here").size() == 1 && poolsOf("there").size() == 2, WAIT_MILLIS,
                    20)).as("the scheduler started both programs' jobs; saw " + started).isTrue();
            assertThat(poolsOf("here")).as("'default' named by the program is not where its job ran")
                    .containsExactly(here.attachmentId());
            assertThat(poolsOf("there")).as("both jobs of the other program, its thread's and its child thread's,"
                    + " ran in its own pool, not the one it named").containsExactly(there.get("ATTACHED"),
                    there.get("ATTACHED"));
        }
    }

    @Test
    void aConnectionThatOnlyAuthenticatesNeitherCountsNorKeepsTheSessionFromGoingIdle() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Channels.threads("silent"),
                NioIoHandler.newFactory());
        try (SessionService service = startService("silent", Duration.ofHours(1))) {
            Channel silent = silentClient(service.endpoint(), group);
            assertThat(Poll.until(() -> service.connections() == 1, WAIT_MILLIS, 20))
                    .as("the session has the authenticated connection").isTrue();
            assertThat(service.attachedPrograms()).isZero();
            CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> {
                try {
                    return service.awaitIdle(Duration.ofMillis(50));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(idle.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("idle with only a silent connection").isTrue();
            assertThat(silent.isActive()).as("the attach limit (an hour) has not closed it").isTrue();
            service.close();
            assertThat(silent.closeFuture().await(WAIT_MILLIS)).as("closing the service closes it").isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConnectionThatDoesNotAttachWithinTheLimitIsClosedAndAnAttachedOneIsNot() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Channels.threads("late"), NioIoHandler.newFactory());
        try (SessionService service = startService("limit", Duration.ofSeconds(5));
                SessionClientEngine prompt = SessionClientEngine.connect(service.endpoint(), "prompt", Map.of(),
                        List.of())) {
            // The silent connection authenticates after the prompt one, so its limit expires after the other's.
            Channel silent = silentClient(service.endpoint(), group);
            assertThat(silent.closeFuture().await(WAIT_MILLIS)).as("the session closed the silent connection")
                    .isTrue();
            assertThat(Poll.until(() -> service.connections() == 1, WAIT_MILLIS, 20)).isTrue();
            assertThat(service.attachedPrograms()).as("the prompt program stays attached past the limit")
                    .isEqualTo(1);
            assertThat(SessionServiceTest.tinyJob(prompt, 10)).isEqualTo(110);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
