namespace RealtimeGen.Plugin.Pipeline;

/// <summary>Called on the generating thread after every denoising step.</summary>
/// <param name="progress">The step's state; its spans are valid only during the call.</param>
public delegate void LcmStepCallback(in LcmStepProgress progress);
