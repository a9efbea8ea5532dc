import Logging
import NIOCore

/// Answers each framed HL7 message with its framed ACK, one at a time and in order per
/// connection (HL7 original mode is strictly request/response). A framing error closes this
/// connection only.
final class MLLPMessageHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let intake: HL7Intake
    private let logger: Logger
    /// Completes when the previous message's ACK was written; the next one waits for it.
    private var tail: EventLoopFuture<Void>?

    init(intake: HL7Intake, logger: Logger) {
        self.intake = intake
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = Array(unwrapInboundIn(data).readableBytesView)
        let eventLoop = context.eventLoop
        let intake = self.intake
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        let previous = tail ?? eventLoop.makeSucceededVoidFuture()
        tail = previous.flatMap {
            eventLoop.makeFutureWithTask { await intake.acknowledgement(for: message) }
        }.map { ack in
            let context = bound.value
            var out = context.channel.allocator.buffer(capacity: ack.count + 3)
            out.writeInteger(MLLPFrameDecoder.startBlock)
            out.writeBytes(ack)
            out.writeInteger(MLLPFrameDecoder.endBlock)
            out.writeInteger(MLLPFrameDecoder.carriageReturn)
            context.writeAndFlush(NIOAny(out), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let framing = error as? MLLPFramingError {
            logger.notice("mllp.connection.closed", metadata: ["reason": "\(framing)"])
        } else {
            logger.info("mllp.connection.error", metadata: ["error": "\(type(of: error))"])
        }
        context.close(promise: nil)
    }
}
