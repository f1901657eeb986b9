package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.KillTask;
import io.weft.runtime.channel.Messages.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flush consolidation on authenticated connections, over real sockets with encryption on: messages written in
 * one event-loop pass leave together after it (one flush), a lone message still leaves without any timer, many
 * threads' messages arrive intact and each thread's in order, and a close right after a write delivers it first.
 */
@Timeout(60)
class FlushConsolidationTest {

    private static final ChannelOptions ON = ChannelOptions.defaults();

    private final ChannelFixture fixture = new ChannelFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void messagesWrittenInOneEventLoopPassAreFlushedTogetherAfterIt() throws Exception {
        ChannelFixture.Client client = fixture.executor(fixture.startServer(ON), ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        assertThat(client.channel.pipeline().get("flushes")).isNotNull();
        Channel server = fixture.serverAuthenticated.poll(10, TimeUnit.SECONDS);
        // The server's message pipeline is installed on its event loop right after the handler is made (which is
        // when the fixture hears of the channel): look from a task queued behind that.
        assertThat(server.eventLoop().submit(() -> server.pipeline().get("flushes")).get(10, TimeUnit.SECONDS))
                .isNotNull();
        CompletableFuture<Long> pendingAfterWrites = new CompletableFuture<>();
        client.channel.eventLoop().execute(() -> {
            for (int i = 0; i < 10; i++) {
                client.channel.writeAndFlush(new KillTask(i));
            }
            // Still in the outbound buffer: the flush runs as a task after this one.
            pendingAfterWrites.complete(client.channel.unsafe().outboundBuffer().totalPendingWriteBytes());
        });
        assertThat(pendingAfterWrites.get(10, TimeUnit.SECONDS)).isPositive();
        for (int i = 0; i < 10; i++) {
            assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(new KillTask(i));
        }
    }

    @Test
    void aLoneMessageLeavesWithoutAnotherWriteOrATimer() throws Exception {
        ChannelFixture.Client client = fixture.executor(fixture.startServer(ON), ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        Heartbeat heartbeat = new Heartbeat("1", 1, 0, 2, 3, 4);
        client.channel.writeAndFlush(heartbeat).sync();
        assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(heartbeat);
        Channel server = fixture.serverAuthenticated.poll(10, TimeUnit.SECONDS);
        server.writeAndFlush(new KillTask(5)).sync();
        assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo(new KillTask(5));
    }

    @Test
    void manyThreadsMessagesArriveIntactAndEachThreadsInOrder() throws Exception {
        ChannelFixture.Client client = fixture.executor(fixture.startServer(ON), ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        int threads = 4;
        int each = 500;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = t * 1_000_000L;
            Thread writer = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    client.channel.writeAndFlush(new KillTask(base + i));
                }
            });
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        long[] next = new long[threads];
        for (int n = 0; n < threads * each; n++) {
            Message received = fixture.serverReceived.poll(10, TimeUnit.SECONDS);
            assertThat(received).isInstanceOf(KillTask.class);
            long id = ((KillTask) received).taskId();
            int thread = (int) (id / 1_000_000L);
            assertThat(id % 1_000_000L).as("thread %d's messages in order", thread).isEqualTo(next[thread]);
            next[thread]++;
        }
        assertThat(next).containsOnly(each);
    }

    @Test
    void aCloseRightAfterAWriteDeliversTheWriteFirst() throws Exception {
        ChannelFixture.Client client = fixture.executor(fixture.startServer(ON), ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        client.channel.eventLoop().execute(() -> {
            client.channel.writeAndFlush(new KillTask(9));
            client.channel.close();
        });
        assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(new KillTask(9));
    }
}
