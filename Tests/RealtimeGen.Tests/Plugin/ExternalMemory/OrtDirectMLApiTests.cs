using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class OrtDirectMLApiTests
{
    [Test]
    public void An_ONNX_Runtime_without_DirectML_refuses_the_provider_table_with_its_own_message()
    {
        string? message;
        try
        {
            unsafe
            {
                _ = OrtDirectMLApi.DmlApi();
            }

            message = null;
        }
        catch (RealtimeGenException exception)
        {
            message = exception.Message;
        }

        if (message is null)
        {
            Assert.Ignore("This ONNX Runtime has the DirectML provider.");
        }

        // The text comes from ONNX Runtime through GetExecutionProviderApi and GetErrorMessage, which also checks
        // that those OrtApi slots are the documented ones.
        Assert.That(message, Does.StartWith("OrtApi::GetExecutionProviderApi(\"DML\") failed: ")
            .And.Contain("Microsoft.ML.OnnxRuntime.DirectML"));
        TestContext.Out.WriteLine(message);
    }
}
