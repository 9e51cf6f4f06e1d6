Console.WriteLine("DemoScene");
