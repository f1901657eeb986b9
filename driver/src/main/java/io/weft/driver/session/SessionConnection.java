package io.weft.driver.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.api.WeftException;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.channel.Messages.SessionAttached;
import io.weft.runtime.channel.Messages.SessionCall;
import io.weft.runtime.channel.Messages.SessionNeeds;
import io.weft.runtime.channel.Messages.SessionReply;
import io.weft.runtime.channel.Messages.SessionUpload;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's end of one session connection: authenticates as {@link PeerRole#SESSION_CLIENT}, sends requests
 * from any thread, and completes each request's future when its reply arrives. Netty's event loop only completes
 * futures; callers wait and decode on their own threads. When the connection closes, every request in flight,
 * and every later one, fails with a {@link WeftException} saying so. Thread-safe.
 */
final class SessionConnection implements AutoCloseable {

    /** Upload pieces: well under the channel's frame limit. */
    private static final int PIECE = 1 << 20;

    private final EventLoopGroup group = Channels.eventLoops(1, "weft-session-client");
    private final SessionEndpoint endpoint;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<SessionReply>> replies = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<List<String>>> needs = new ConcurrentHashMap<>();
    private final CompletableFuture<SessionAttached> attached = new CompletableFuture<>();
    private final CompletableFuture<Void> authenticated = new CompletableFuture<>();
    /** One upload at a time, so that the session receives each file's pieces together. */
    private final Object uploading = new Object();
    private volatile Channel channel;
    private volatile String closedBecause;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    SessionConnection(SessionEndpoint endpoint) {
        this.endpoint = endpoint;
        needs.put(0L, new CompletableFuture<>());
    }

    /**
     * Connects and authenticates. Blocks the calling thread.
     *
     * @param kryo the program's serializers (for the opaque parts of messages)
     * @param timeoutMillis how long connecting and authenticating may take
     * @throws WeftException when the session cannot be reached or refuses the secret
     */
    void open(KryoPool kryo, long timeoutMillis) {
        ChannelOptions options = ChannelOptions.forClient().withEncryption(endpoint.encrypt());
        String where = endpoint.applicationId() + " at " + endpoint.host() + ":" + endpoint.port();
        try {
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(Channels.client(endpoint.clientSecret(), PeerRole.SESSION_CLIENT, options, ctx -> {
                        Channels.authenticated(ctx.pipeline(), kryo, new Handler());
                        authenticated.complete(null);
                    })).connect(endpoint.host(), endpoint.port()).sync().channel();
        } catch (Exception e) {
            close();
            throw new WeftException("Cannot connect to session " + where + ": " + e + ". Check that the session is"
                    + " running (yarn application -status " + endpoint.applicationId() + ")", e);
        }
        channel.closeFuture().addListener(f -> closed("the session " + where + " closed the connection"
                + (authenticated.isDone() ? "" : " during authentication: the secret was refused (a stale"
                + " endpoint file, or not a session client's secret) or encryption settings differ; see the"
                + " session's log")));
        await(authenticated, timeoutMillis, "authenticating with session " + where);
    }

    private void closed(String why) {
        closedBecause = why;
        WeftException e = new WeftException(why);
        authenticated.completeExceptionally(e);
        attached.completeExceptionally(e);
        replies.values().forEach(f -> f.completeExceptionally(e));
        needs.values().forEach(f -> f.completeExceptionally(e));
    }

    /** @return the attachment, once the session says it is ready */
    CompletableFuture<SessionAttached> attached() {
        return attached;
    }

    /**
     * Sends a message that expects no reply of its own. Any thread.
     *
     * @param message the message
     */
    void send(Message message) {
        checkOpen();
        channel.writeAndFlush(message);
    }

    /**
     * Sends a request. Any thread.
     *
     * @return the request's id and its reply
     */
    CompletableFuture<SessionReply> call(long requestId, String operation, Map<String, String> properties,
            byte[] payload) {
        CompletableFuture<SessionReply> reply = new CompletableFuture<>();
        replies.put(requestId, reply);
        if (closedBecause != null) {
            reply.completeExceptionally(new WeftException(closedBecause));
            return reply;
        }
        channel.writeAndFlush(new SessionCall(requestId, operation, properties, payload));
        return reply;
    }

    long newRequestId() {
        return ids.incrementAndGet();
    }

    /** Registers interest in the {@code SessionNeeds} of a request before sending it. */
    CompletableFuture<List<String>> needsOf(long requestId) {
        return needs.computeIfAbsent(requestId, k -> new CompletableFuture<>());
    }

    /**
     * Uploads files the session asked for, in its order. Blocks the calling thread until each piece is written.
     *
     * @param files the files, by SHA-256
     * @param wanted the digests the session asked for
     */
    void upload(Map<String, File> files, List<String> wanted) {
        synchronized (uploading) {
            for (String sha : wanted) {
                File file = files.get(sha);
                try (InputStream in = Files.newInputStream(file.toPath())) {
                    byte[] buffer = new byte[PIECE];
                    long left = file.length();
                    do {
                        int n = in.readNBytes(buffer, 0, (int) Math.min(PIECE, left));
                        left -= n;
                        checkOpen();
                        channel.writeAndFlush(new SessionUpload(sha, Arrays.copyOf(buffer, n), left <= 0 || n == 0))
                                .sync();
                        if (n == 0) {
                            break;
                        }
                    } while (left > 0);
                } catch (IOException e) {
                    throw new WeftException("Cannot read " + file + " to ship it to the session: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WeftException("Interrupted while shipping " + file + " to the session", e);
                } catch (WeftException e) {
                    throw e;
                } catch (RuntimeException e) { // the write failed: the connection is gone
                    throw new WeftException("Could not ship " + file + " to the session: " + (closedBecause != null
                            ? closedBecause : e.toString()), e);
                }
            }
        }
    }

    private void checkOpen() {
        if (closedBecause != null) {
            throw new WeftException(closedBecause);
        }
    }

    /**
     * Waits for a future on the calling thread.
     *
     * @param timeoutMillis 0 to wait as long as it takes
     */
    static <T> T await(CompletableFuture<T> future, long timeoutMillis, String what) {
        try {
            return timeoutMillis > 0 ? future.get(timeoutMillis, TimeUnit.MILLISECONDS) : future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException("Interrupted while " + what, e);
        } catch (TimeoutException e) {
            throw new WeftException("Timed out after " + timeoutMillis + " ms " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new WeftException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Closes the connection: the session cancels this program's running jobs. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Channel c = channel;
        if (c != null) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** The session's messages, on the event loop: completes futures, nothing else. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof SessionReply reply) {
                if (reply.requestId() == 0) {
                    attached.completeExceptionally(SessionOps.toException(reply.failure(), "The session refused"
                            + " this program: " + reply.message(), null));
                    CompletableFuture<List<String>> n = needs.get(0L);
                    n.completeExceptionally(new WeftException("The session refused this program: " + reply.message()));
                    return;
                }
                CompletableFuture<SessionReply> f = replies.remove(reply.requestId());
                if (f != null) {
                    f.complete(reply);
                }
            } else if (msg instanceof SessionNeeds n) {
                needsOf(n.requestId()).complete(n.sha256s());
                if (n.requestId() != 0) {
                    needs.remove(n.requestId());
                }
            } else if (msg instanceof SessionAttached a) {
                attached.complete(a);
            } else {
                ctx.close();
            }
        }
    }
}
