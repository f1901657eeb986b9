package io.weft.runtime.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.serial.KryoPool;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real server and real clients of the driver channel on the loopback interface, for the channel's tests: the
 * server records every message it receives and every connection that authenticated; clients record what the
 * server sends them. Close it after each test.
 */
final class ChannelFixture implements AutoCloseable {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final KryoPool KRYO = new KryoPool(ChannelFixture.class.getClassLoader());

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Channels.threads("test-channel"),
            NioIoHandler.newFactory());
    /** Messages the server received, in order. */
    final BlockingQueue<Message> serverReceived = new LinkedBlockingQueue<>();
    /** Server-side channels of authenticated connections, with their roles. */
    final BlockingQueue<Channel> serverAuthenticated = new LinkedBlockingQueue<>();
    private Channel server;

    /**
     * @param options the server's options
     * @return its port
     */
    int startServer(ChannelOptions options) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(Channels.server(SECRET, options, KRYO, role -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        serverAuthenticated.add(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        serverReceived.add((Message) msg);
                    }
                })).bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A client connection and what happened on it. */
    static final class Client {
        final Channel channel;
        final CompletableFuture<Channel> authenticated;
        final BlockingQueue<Message> received;

        Client(Channel channel, CompletableFuture<Channel> authenticated, BlockingQueue<Message> received) {
            this.channel = channel;
            this.authenticated = authenticated;
            this.received = received;
        }

        /** @return whether the connection authenticated within 10 s */
        boolean awaitAuthenticated() throws Exception {
            try {
                authenticated.get(10, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
        }

        /** @return whether the connection closed within 10 s */
        boolean awaitClosed() throws InterruptedException {
            return channel.closeFuture().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Connects as an executor with its role's secret.
     *
     * @param port where to connect (the server, or a proxy in front of it)
     * @param options the client's options
     * @return the connection
     */
    Client executor(int port, ChannelOptions options) throws InterruptedException {
        return connect(port, PeerRole.EXECUTOR, ApplicationSecrets.forRole(SECRET, PeerRole.EXECUTOR), options);
    }

    Client connect(int port, PeerRole role, byte[] secret, ChannelOptions options) throws InterruptedException {
        CompletableFuture<Channel> authenticated = new CompletableFuture<>();
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(Channels.client(secret, role, options, ctx -> {
                    Channels.authenticated(ctx.pipeline(), KRYO, new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext c, Object msg) {
                            received.add((Message) msg);
                        }
                    });
                    authenticated.complete(ctx.channel());
                })).connect("127.0.0.1", port).sync().channel();
        return new Client(channel, authenticated, received);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** @return whether {@code condition} held within 30 s (a loaded 2-core machine can take seconds to see a close), checked every 10 ms */
    static boolean until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
