internal import Foundation

/// One image-encoder + projection training step (forward, loss, backward, clipping, AdamW),
/// timed, with its GEMM work compared against `sgemm` measured in the same process.
public enum TrainStepBenchmark {
    public struct Result: Codable, Sendable {
        public var gflopPerStep: Double
        public var stepSeconds: Double
        public var achievedGflops: Double
        /// sgemm at 1024×1024×1024: the reference of `efficiency`.
        public var sgemmPeakGflops: Double
        public var efficiency: Double
        /// sgemm on the model's own GEMM shapes, run back to back (weighted by their flops).
        public var sgemmModelShapesGflops: Double
        public var efficiencyVsModelShapes: Double
        /// Share of one step's wall time spent inside sgemm, and the rate sgemm ran at there.
        public var gemmFraction: Double
        public var inStepGEMMGflops: Double
        public var imageSize: Int
        public var batch: Int
        public var widths: [Int]
        public var projectionDimension: Int
        public var threads: Int
        public var steps: Int
        public var gemmShapes: [String]
        public var loadAverage: Double?

        enum CodingKeys: String, CodingKey {
            case gflopPerStep = "gflop_per_step", stepSeconds = "step_seconds", achievedGflops = "achieved_gflops"
            case sgemmPeakGflops = "sgemm_peak_gflops", efficiency
            case sgemmModelShapesGflops = "sgemm_model_shapes_gflops", efficiencyVsModelShapes = "efficiency_vs_model_shapes"
            case gemmFraction = "gemm_time_fraction", inStepGEMMGflops = "in_step_gemm_gflops"
            case imageSize = "image_size", batch, widths, projectionDimension = "projection_dimension", threads, steps
            case gemmShapes = "gemm_shapes", loadAverage = "load_average_1min"
        }
    }

    public static func run(configuration: ImageEncoder.Configuration, batch: Int, steps: Int, threads: Int) -> Result {
        ComputeThreads.configure(blas: threads, workers: threads)
        var rng = SeededRandom(seed: 42)
        let encoder = ImageEncoder(configuration, rng: &rng)
        let params = encoder.parameters
        let optimizer = AdamW(parameters: params)
        let s = configuration.imageSize
        let images = Tensor(uninitialized: [batch, s, s, 1])
        for i in 0..<images.count { images.ptr[i] = rng.normal() }
        let r = configuration.gridSize, d = configuration.projectionDimension
        let target = Tensor(uninitialized: [batch, r * r, d])
        for i in 0..<target.count { target.ptr[i] = rng.normal() }
        let grad = Tensor(uninitialized: target.shape)

        func step() {
            let v = encoder.forward(images)
            // Regression onto a fixed random target: a loss whose cost is negligible next to the encoder.
            let scale = 1 / Float(v.count)
            for i in 0..<v.count { grad.ptr[i] = (v.ptr[i] - target.ptr[i]) * scale }
            encoder.backward(grad)
            GradientClipping.clip(params, maxNorm: 1)
            optimizer.update(learningRate: 1e-4)
        }
        step()  // allocates the reusable buffers and warms the caches
        step()
        FlopCounter.startRecording()
        FlopCounter.reset()
        let recordStart = DispatchTime.now().uptimeNanoseconds
        step()
        let recordedStep = Double(DispatchTime.now().uptimeNanoseconds - recordStart) / 1e9
        let flopsPerStep = FlopCounter.value
        let inStepGEMMSeconds = FlopCounter.recordedGEMMSeconds
        let shapes = FlopCounter.stopRecording()

        // Steps, the 1024² reference and the model's own shapes alternate, so load from other
        // processes hits all three alike; the medians over rounds are reported.
        let square = GEMMShape(transA: false, transB: false, m: 1024, n: 1024, k: 1024)
        let ordered = shapes.sorted { $0.key.flops * $0.value > $1.key.flops * $1.value }
        var stepTimes: [Double] = [], peaks: [Double] = [], modelRates: [Double] = []
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            stepTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            peaks.append(SGEMMRate.gflops(square, minSeconds: 0.1))
            // The model's GEMMs in isolation: time = Σ calls · flops / rate(shape).
            var seconds = 0.0, flops = 0.0
            for (shape, calls) in ordered {
                let rate = SGEMMRate.gflops(shape, minSeconds: 0.02)
                seconds += Double(calls * shape.flops) / (rate * 1e9)
                flops += Double(calls * shape.flops)
            }
            modelRates.append(flops / seconds / 1e9)
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
        let stepSeconds = median(stepTimes)
        let peak = median(peaks)
        let modelRate = median(modelRates)
        let achieved = Double(flopsPerStep) / stepSeconds / 1e9
        var load = [Double](repeating: 0, count: 3)
        let loadAverage = getloadavg(&load, 3) > 0 ? load[0] : nil
        return Result(
            gflopPerStep: Double(flopsPerStep) / 1e9, stepSeconds: stepSeconds, achievedGflops: achieved, sgemmPeakGflops: peak,
            efficiency: achieved / peak, sgemmModelShapesGflops: modelRate, efficiencyVsModelShapes: achieved / modelRate,
            gemmFraction: inStepGEMMSeconds / recordedStep, inStepGEMMGflops: Double(flopsPerStep) / inStepGEMMSeconds / 1e9, imageSize: s, batch: batch, widths: configuration.widths,
            projectionDimension: d, threads: threads, steps: steps,
            gemmShapes: ordered.map { "\($0.key) x\($0.value)" },
            loadAverage: loadAverage)
    }
}
