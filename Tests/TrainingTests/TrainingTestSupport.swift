import Foundation
import Kernels
import Model
import Testing
