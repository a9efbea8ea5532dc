import Foundation
import Hummingbird

/// `/v1/train/...`: continual training (docs/api.md, docs/training.md). Every call answers at
/// once; rounds, promotions and rollbacks run in the background and `status` follows them.
extension APIServer {
    func addTrainingRoutes(to router: Router<BasicRequestContext>, maxBody: Int) {
        let training = self.training
        @Sendable func coordinator() throws(APIError) -> ContinualTraining {
            guard let training else { throw APIError.unavailable("continual training is unavailable: the model registry could not be opened") }
            return training
        }
        let now: @Sendable (Request) async throws -> Response = { request in
            let parameters = try await Self.decode(TrainingRound.Request.self, request, maxBody, empty: TrainingRound.Request())
            return try Self.json(try await coordinator().startRound(trigger: .manual, request: parameters), status: .accepted)
        }
        router.post("/v1/train") { request, _ in try await now(request) }
        router.post("/v1/train/now") { request, _ in try await now(request) }
        router.get("/v1/train/status") { _, _ -> Response in
            try Self.json(await coordinator().status())
        }
        router.get("/v1/train/history") { _, _ -> Response in
            try Self.json(try coordinator().history())
        }
        router.post("/v1/train/promote") { request, _ -> Response in
            let body = try await Self.decode(PromoteRequest.self, request, maxBody)
            return try Self.json(try await coordinator().promote(body.version), status: .accepted)
        }
        router.post("/v1/train/promote/:version") { _, ctx -> Response in
            try Self.json(try await coordinator().promote(try Self.parameter("version", ctx)), status: .accepted)
        }
        router.post("/v1/train/rollback") { _, _ -> Response in
            try Self.json(try await coordinator().rollback(), status: .accepted)
        }
    }

    struct PromoteRequest: Decodable, Sendable {
        var version: String
    }
}
