/**
 * The code in the test email of Logto's Admin Console ("Send test email"): the Generic template
 * with this code. `connector-aws-ses send-test` and `doctor --send` send the same email.
 */
export const consoleTestCode = '000000';
