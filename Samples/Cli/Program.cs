Console.WriteLine("realtimegen");
