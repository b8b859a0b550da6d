import { z } from "zod";

export const setupSchema = z.object({
  token: z.string().min(20).max(100),
  email: z.email("enter an email address").max(254),
  name: z.string().trim().min(1, "enter your name").max(100),
  password: z.string().min(12, "use at least 12 characters").max(256),
});
