/// Symmetric InfoNCE with soft targets and a scale: logits `S = scale · A·Bᵀ`,
/// loss = ½[CE_rows(S, T) + CE_cols(S, T)], rows/columns of T renormalised to distributions (an
/// all-zero row or column contributes nothing).
///
/// One form serves CLIP (identity targets, learnable scale), MedCLIP (label-similarity targets),
/// LGDEA's global semantic matching (evidence-similarity targets, fixed scale) and the
/// evidence-level supervised contrast (same-finding targets). `dScale` is the gradient with
/// respect to the scale itself.
enum ContrastiveLoss {
    struct Result {
        var loss: Float
        var gradA: Tensor
        var gradB: Tensor
        var dScale: Float
    }

    static func symmetric(_ a: Tensor, _ b: Tensor, targets: Tensor, scale: Float) -> Result {
        let m = a.shape[0], n = b.shape[0], d = a.shape[1]
        precondition(b.shape[1] == d && targets.shape == [m, n], "ContrastiveLoss: shape mismatch")
        let sim = Tensor(uninitialized: [m, n])
        GEMM.sgemm(transB: true, m: m, n: n, k: d, a: a.ptr, b: b.ptr, c: sim.ptr)
        let logits = Tensor(uninitialized: [m, n])
        for i in 0..<sim.count { logits.ptr[i] = scale * sim.ptr[i] }
        // Rows and columns with targets count; the mean is over them, not over all rows.
        let rowT = Loss.normalizeRows(targets), colT = Loss.normalizeRows(Loss.transpose(targets))
        let activeRows = Float(max(1, (0..<m).filter { i in (0..<n).contains { targets.ptr[i * n + $0] > 0 } }.count))
        let activeCols = Float(max(1, (0..<n).filter { j in (0..<m).contains { targets.ptr[$0 * n + j] > 0 } }.count))
        let (l1, g1) = Loss.softTargetCrossEntropy(logits: logits, targets: rowT)
        let (l2, g2) = Loss.softTargetCrossEntropy(logits: Loss.transpose(logits), targets: colT)
        // softTargetCrossEntropy averages over all rows; rescale to the active ones.
        let r1 = Float(m) / activeRows, r2 = Float(n) / activeCols
        let g2t = Loss.transpose(g2)
        let gs = Tensor(uninitialized: [m, n])
        var dScale: Float = 0
        for i in 0..<gs.count {
            let g = 0.5 * (g1.ptr[i] * r1 + g2t.ptr[i] * r2)
            dScale += g * sim.ptr[i]
            gs.ptr[i] = g * scale
        }
        let ga = Tensor(uninitialized: a.shape), gb = Tensor(uninitialized: b.shape)
        GEMM.sgemm(m: m, n: d, k: n, a: gs.ptr, b: b.ptr, c: ga.ptr)
        GEMM.sgemm(transA: true, m: n, n: d, k: m, a: gs.ptr, b: a.ptr, c: gb.ptr)
        return Result(loss: 0.5 * (l1 * r1 + l2 * r2), gradA: ga, gradB: gb, dScale: dScale)
    }
}
