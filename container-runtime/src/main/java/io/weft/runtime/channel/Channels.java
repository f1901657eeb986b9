package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.serial.KryoPool;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver-executor channel's pipelines, for both ends: length-prefixed frames ({@link FrameDecoder}), the
 * mutual authentication of {@link Handshake} (nothing else is read before it succeeds, and only handshake-sized
 * frames are accepted until then), then, when {@link ChannelOptions#encrypt()}, {@link FrameCipher} on every
 * frame, and Kryo-encoded {@link Messages} whose classes must all be registered ({@link MessageKryo}). A frame
 * that does not decode, or any pipeline error, closes that one connection.
 */
public final class Channels {

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

    /**
     * Netty's switch for its Flight Recorder events. Netty 4.2's buffer allocators emit them whenever the JVM has
     * a flight recorder, and their first allocation loads and registers the recorder's event machinery: about
     * 0.1 s of every executor's and driver's start, before the first message, even with no recording running.
     * Weft turns them off unless the system property is set (to {@code true}, to see Netty's allocations in a
     * recording). Read by Netty once, when it first initializes, so this is set before any Netty class runs:
     * every Weft event loop comes from {@link #eventLoops}.
     */
    static final String NETTY_JFR_PROPERTY = "io.netty.jfr.enabled";

    static {
        if (System.getProperty(NETTY_JFR_PROPERTY) == null) {
            System.setProperty(NETTY_JFR_PROPERTY, "false");
        }
    }

    /** Frames above this size are refused (the connection is closed). */
    static final int MAX_FRAME = 256 << 20;

    /** The largest frame before authentication: the handshake's greeting and reply fit, nothing much else. */
    static final int HANDSHAKE_FRAME = 128;

    private Channels() {
    }

    /**
     * The pipeline of a connection accepted by the driver: framing and the server's side of the handshake, which
     * must finish within {@link ChannelOptions#authTimeoutMillis()}; beyond {@link ChannelOptions#maxPending()}
     * unauthenticated connections, new ones are closed at once. Once the peer has proven it holds its role's
     * secret: encryption (if on), the message codec and a new handler from {@code handlers}.
     *
     * @param secret the application's secret, from which the secrets each role proves are derived
     * @param options encryption, timeout and the cap on unauthenticated connections
     * @param kryo the application's serializers (for the opaque parts of messages)
     * @param handlers makes the handler of one authenticated connection from its role; runs on that
     *     connection's event loop
     * @return the initializer for a server bootstrap's child channels
     */
    public static ChannelInitializer<SocketChannel> server(byte[] secret, ChannelOptions options,
            KryoPool kryo, Function<PeerRole, ChannelInboundHandlerAdapter> handlers) {
        AtomicInteger pending = new AtomicInteger();
        AtomicLong refused = new AtomicLong();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (pending.incrementAndGet() > options.maxPending()) {
                    pending.decrementAndGet();
                    long n = refused.incrementAndGet();
                    if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, ... so a flood cannot flood the log
                        LOG.warn("Closing connection from {} at once: {} connections are already authenticating"
                                + " ({}); {} refused so far", ch.remoteAddress(), options.maxPending(),
                                io.weft.conf.NetworkConfigKeys.AUTH_MAX_PENDING.name(), n);
                    }
                    ch.close();
                    return;
                }
                init(ch.pipeline(), new Handshake.Server(secret, options, pending::decrementAndGet) {
                    @Override
                    void onAuthenticated(ChannelHandlerContext ctx, PeerRole role) {
                        authenticated(ctx.pipeline(), kryo, handlers.apply(role));
                    }
                });
                ch.pipeline().addLast("preauth-guard", new Guard());
            }
        };
    }

    /** Adds framing, the handshake and an error guard, in that order. */
    static void init(ChannelPipeline pipeline, Handshake handshake) {
        pipeline.addLast("frames", new FrameDecoder(HANDSHAKE_FRAME));
        pipeline.addLast("prepend", new LengthFieldPrepender(4));
        pipeline.addLast("handshake", handshake);
    }

    /**
     * The pipeline of a connection to the driver: framing and the client's side of the handshake.
     *
     * @param secret the secret of {@code role} ({@link ApplicationSecrets#forRole})
     * @param role what this end authenticates as
     * @param options whether to encrypt (must match the driver's)
     * @param onAuthenticated runs on the event loop once the driver has proven itself (and encryption is in
     *     place); installs the message pipeline ({@link #authenticated}) and may send the first message
     * @return the initializer for a client bootstrap
     */
    public static ChannelInitializer<SocketChannel> client(byte[] secret, PeerRole role, ChannelOptions options,
            Consumer<ChannelHandlerContext> onAuthenticated) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                init(ch.pipeline(), new Handshake.Client(secret, role, options) {
                    @Override
                    void onAuthenticated(ChannelHandlerContext ctx) {
                        onAuthenticated.accept(ctx);
                    }
                });
                ch.pipeline().addLast("preauth-guard", new Guard());
            }
        };
    }

    /**
     * After authentication: the Kryo message codec and the application's handler replace the handshake, and
     * flushes are consolidated ({@link #consolidateFlushes}). Called on the connection's event loop.
     *
     * @param pipeline the authenticated connection's pipeline
     * @param kryo the application's serializers, for the opaque parts of messages
     * @param handler receives {@link Messages.Message}s
     */
    public static void authenticated(ChannelPipeline pipeline, KryoPool kryo, ChannelInboundHandlerAdapter handler) {
        pipeline.addAfter("handshake", "codec", new Codec(new MessageKryo(kryo)));
        pipeline.addAfter("codec", "handler", handler);
        if (pipeline.get("preauth-guard") == null) {
            pipeline.addLast("guard", new Guard());
        }
        pipeline.remove("handshake");
        consolidateFlushes(pipeline);
    }

    /**
     * Makes a connection's flushes cheaper when messages come close together: a flush asked for while the event
     * loop is reading is done once the read batch ends, and one asked for outside a read (a {@code writeAndFlush}
     * from the scheduler or a task thread, which reaches the event loop as a task) is done by a task queued behind
     * the event loop's current ones. Messages written in between therefore go out in one {@code writev} (and one
     * event-loop pass) instead of one each, while a lone message waits only for the tasks already queued, never
     * for a timer. Closing the connection flushes what is pending first. After {@value #FLUSH_AFTER} deferred
     * flushes one is done at once, so a long batch still streams.
     *
     * @param pipeline an authenticated connection's pipeline, on its event loop
     */
    static void consolidateFlushes(ChannelPipeline pipeline) {
        if (pipeline.get("flushes") == null) {
            pipeline.addFirst("flushes", new FlushConsolidationHandler(FLUSH_AFTER, true));
        }
    }

    /** Deferred flushes after which {@link #consolidateFlushes}' handler flushes at once. */
    static final int FLUSH_AFTER = 64;

    /**
     * Event loops for Weft's sockets, on NIO. Goes through this class so that its Netty defaults
     * ({@link #NETTY_JFR_PROPERTY}) are set before Netty initializes.
     *
     * @param threads how many loops
     * @param prefix the threads' name prefix ({@link #threads})
     * @return a new group; the caller shuts it down
     */
    public static EventLoopGroup eventLoops(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, threads(prefix), NioIoHandler.newFactory());
    }

    /**
     * @param prefix the threads' name prefix
     * @return a factory of daemon threads named {@code prefix-N}
     */
    public static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Kryo-encodes messages with registration required; a frame that does not decode, or names a class that is
     * not registered, closes its connection. One per connection, used only on its event loop.
     */
    static final class Codec extends MessageToMessageCodec<ByteBuf, Message> {
        private final MessageKryo kryo;

        Codec(MessageKryo kryo) {
            this.kryo = kryo;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
            try {
                out.add(Unpooled.wrappedBuffer(kryo.serialize(msg)));
            } catch (RuntimeException e) {
                // Losing a message silently would hang its task: close, so the other end sees the loss.
                LOG.error("Closing connection with {}: cannot send {} ({}); every class in a message must be in"
                        + " Messages.REGISTERED", ctx.channel().remoteAddress(), msg.getClass().getSimpleName(),
                        e.toString());
                ctx.close();
            }
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            Object decoded;
            try {
                decoded = kryo.deserialize(bytes);
            } catch (RuntimeException e) {
                LOG.warn("Closing connection from {}: malformed message ({})", ctx.channel().remoteAddress(),
                        e.toString());
                ctx.close();
                return;
            }
            if (!(decoded instanceof Message)) {
                LOG.warn("Closing connection from {}: unexpected {}", ctx.channel().remoteAddress(),
                        decoded == null ? "null" : decoded.getClass().getName());
                ctx.close();
                return;
            }
            out.add(decoded);
        }
    }

    /** Closes a connection whose pipeline failed (oversized frame, I/O error), logging why. */
    static final class Guard extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
